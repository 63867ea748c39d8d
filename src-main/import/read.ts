// File access shared by the importers, so every unreadable input is reported the same way.
import fs from 'node:fs';
import { ImportError, describeReadError } from './errors';

/** Largest settings file an importer reads; VMware's and libvirt's files are a few KB. */
const MAX_BYTES = 4 * 1024 * 1024;

export function readText(file: string): string {
  let data: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new ImportError(file, undefined, 'is a folder, not a file');
    if (stat.size > MAX_BYTES) throw new ImportError(file, undefined, `is ${stat.size} bytes; a settings file this large is not one`);
    data = fs.readFileSync(file);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, undefined, `cannot read: ${describeReadError(error)}`);
  }
  const text = data.toString('utf8');
  // A NUL byte or undecodable bytes mean a binary file was given by mistake.
  // eslint-disable-next-line no-control-regex
  const bad = text.search(/[\u0000\ufffd]/u);
  if (bad >= 0) throw new ImportError(file, lineAt(text, bad), 'is not a text file (binary data)');
  return text;
}

export function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch (error) {
    throw new ImportError(file, undefined, `cannot read: ${describeReadError(error)}`);
  }
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

// File access shared by the importers, so every unreadable input is reported the same way.
// A SettingsReader lets the VMware importer read a folder on disk (`vnet import DIR`) or
// one the browser sent as {relativePath: text} (the web console's folder import) with
// the same code.
import fs from 'node:fs';
import path from 'node:path';
import { ImportError, describeReadError } from './errors';

/** Largest settings file an importer reads; VMware's and libvirt's files are a few KB. */
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads a regular file of at most MAX_BYTES. Opened non-blocking and checked on the open
 * descriptor, so a FIFO (which would wait for a writer forever) or a device (whose size says
 * nothing, /dev/zero never ends) is refused at once, and a file swapped after the check
 * cannot slip in.
 */
export function readText(file: string): string {
  let data: Buffer;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new ImportError(file, undefined, 'is a folder, not a file');
    if (!stat.isFile()) throw new ImportError(file, undefined, 'is not a regular file (a device, pipe or socket)');
    if (stat.size > MAX_BYTES) throw new ImportError(file, undefined, `is ${stat.size} bytes; a settings file this large is not one`);
    data = Buffer.alloc(MAX_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= MAX_BYTES; length += n) n = fs.readSync(fd, data, length, data.length - length, null);
    if (length > MAX_BYTES) throw new ImportError(file, undefined, 'grew past the size a settings file can have while it was read');
    data = data.subarray(0, length);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, undefined, `cannot read: ${describeReadError(error)}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return checkedText(data.toString('utf8'), file);
}

/** The text, unless it holds a NUL byte or undecodable bytes: a binary file given by mistake. */
function checkedText(text: string, file: string): string {
  // eslint-disable-next-line no-control-regex
  const bad = text.search(/[\u0000\ufffd]/u);
  if (bad >= 0) throw new ImportError(file, lineAt(text, bad), 'is not a text file (binary data)');
  return text;
}

/** How an importer reaches a settings folder and its files. */
export interface SettingsReader {
  readText(file: string): string;
  isFolder(file: string): boolean;
  exists(file: string): boolean;
  join(folder: string, relative: string): string;
}

export const diskReader: SettingsReader = { readText, isFolder, exists, join: (folder, relative) => path.join(folder, relative) };

/**
 * A folder held in memory: FILES maps paths relative to the folder ("vmnet8/nat/nat.conf")
 * to their text, and ROOT names the folder in messages ("etc-vmware"). Paths are joined
 * with "/" whatever the host, as the browser sends them.
 */
export function memoryReader(root: string, files: Readonly<Record<string, string>>): SettingsReader {
  const relative = (file: string): string | undefined =>
    file === root ? '' : file.startsWith(`${root}/`) ? file.slice(root.length + 1) : undefined;
  const has = (file: string) => {
    const rel = relative(file);
    return rel !== undefined && rel !== '' && Object.prototype.hasOwnProperty.call(files, rel);
  };
  return {
    readText(file) {
      if (!has(file)) throw new ImportError(file, undefined, 'cannot read: no such file in the folder');
      if (files[relative(file)!]!.length > MAX_BYTES) throw new ImportError(file, undefined, 'is too large to be a settings file');
      return checkedText(files[relative(file)!]!, file);
    },
    isFolder: (file) => relative(file) === '',
    exists: (file) => relative(file) === '' || has(file),
    join: (folder, rel) => `${folder}/${rel}`,
  };
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

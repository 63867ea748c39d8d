// Write-temp-fsync-rename: a reader sees the old file or the new one, never a mix,
// even after a crash or power cut half-way through the write.
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * false: skip both fsyncs. The rename is still atomic for every other process and survives
   * this process dying (kill -9), since the page cache outlives it; only a power cut or a kernel
   * crash can lose such a write. For files rebuilt from elsewhere (the engine's DHCP files, the
   * journal's progress marks) that is enough, and saves two fsyncs per file.
   */
  durable?: boolean;
  /** Test hook: called after the temp file is durable and before the rename. */
  beforeRename?: (tempPath: string) => void;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  const durable = options.durable !== false;
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', options.mode ?? 0o644);
    fs.writeFileSync(fd, data);
    if (durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    options.beforeRename?.(temp);
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  if (durable) syncFolder(dir);
}

/** Makes renames and removals in `dir` durable (fsync of the folder). */
export function syncFolder(dir: string): void {
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename has still happened.
  }
}

/**
 * Removes temp files that a writer killed between open and rename left beside `file`
 * (named `.NAME.PID.*.tmp`). Only those of dead processes go: a live writer keeps its own.
 */
export function removeStaleTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || processExists(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

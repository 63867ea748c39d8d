// Before the suite: root is needed (namespaces); the CLI and the renderer are built
// when missing or older than their sources; the Electron variant says why it cannot run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { electronBinary } from './electron';

const root = path.resolve(__dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|tsx|html|css|svg)$/.test(entry.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function builtAt(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

export default function globalSetup(): void {
  if (process.getuid?.() !== 0) throw new Error('the end-to-end tests create network namespaces: run them as root (sudo npm run e2e)');
  // Every `vnet` the workers start inherits these: never the machine's own libvirtd or /etc/qemu.
  process.env.VNET_LIBVIRT_URI ??= 'none';
  process.env.VNET_QEMU_DIR ??= 'none';
  const sources = Math.max(...['src-main', 'src-shared', 'src-renderer'].map((d) => newest(path.join(root, d))));
  const parts = [];
  if (builtAt(path.join(root, 'dist', 'cli.cjs')) < sources) parts.push('cli');
  if (builtAt(path.join(root, 'dist', 'renderer', 'index.html')) < sources) parts.push('renderer');
  if (parts.length > 0) {
    console.log(`e2e: building ${parts.join(' and ')} (older than the sources)`);
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...parts], { cwd: root, stdio: 'inherit' });
  }
  const electron = electronBinary();
  if (!electron.path) console.log(`e2e: the Electron project is skipped: ${electron.reason}`);
}

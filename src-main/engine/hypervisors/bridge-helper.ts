// QEMU's bridge helper (qemu-bridge-helper, used by unprivileged QEMU, GNOME Boxes and
// libvirt's qemu:///session) attaches a guest only to bridges that /etc/qemu/bridge.conf
// allows. The app owns one file of its own, /etc/qemu/vnet-editor.conf, that allows
// exactly its networks' bridges; bridge.conf gets one `include` line for it, added once
// with the user's consent and removed on uninstall. The rest of bridge.conf is the user's.
import fs from 'node:fs';
import path from 'node:path';
import type { Network } from '../../../src-shared/model';
import { writeFileAtomic } from '../../store/atomic-write';

export const ACL_FILE_NAME = 'vnet-editor.conf';

export interface BridgeHelperFiles {
  /** bridge.conf, which qemu-bridge-helper reads. */
  conf: string;
  /** The app's own ACL file. */
  acl: string;
  /** The line that includes the app's file. */
  include: string;
}

export function bridgeHelperFiles(qemuDir: string): BridgeHelperFiles {
  const acl = path.join(qemuDir, ACL_FILE_NAME);
  return { conf: path.join(qemuDir, 'bridge.conf'), acl, include: `include ${acl}` };
}

export interface BridgeHelperState {
  /** bridge.conf includes the app's file (the user has allowed it). */
  allowed: boolean;
  /** The app's file as it is now (undefined when missing). */
  aclText?: string;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function inspectBridgeHelper(qemuDir: string | undefined): BridgeHelperState | undefined {
  if (!qemuDir) return undefined;
  const files = bridgeHelperFiles(qemuDir);
  const conf = read(files.conf) ?? '';
  const aclText = read(files.acl);
  return { allowed: conf.split('\n').some((l) => l.trim() === files.include), ...(aclText !== undefined ? { aclText } : {}) };
}

/** The app's ACL: one `allow` line per network bridge. */
export function aclText(networks: readonly Network[]): string {
  const lines = [
    '# Written by Virtual Network Editor (vnet): the bridges of its networks that',
    '# qemu-bridge-helper may attach guests to. Rewritten on every apply; do not edit.',
    ...[...new Set(networks.map((n) => n.name))].sort().map((name) => `allow ${name}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes the app's ACL file; returns an undo that puts back what was there. */
export function writeAcl(qemuDir: string, text: string): () => void {
  const { acl } = bridgeHelperFiles(qemuDir);
  const before = read(acl);
  fs.mkdirSync(qemuDir, { recursive: true });
  // qemu-bridge-helper runs setuid root but reads the files as whoever it runs for: world-readable.
  writeFileAtomic(acl, text);
  return () => {
    if (before === undefined) fs.rmSync(acl, { force: true });
    else writeFileAtomic(acl, before);
  };
}

/** Adds the include line to bridge.conf (creating it when missing), after writing the ACL it includes. */
export function allowBridgeHelper(qemuDir: string, networks: readonly Network[]): { changed: boolean } {
  const files = bridgeHelperFiles(qemuDir);
  const undo = writeAcl(qemuDir, aclText(networks));
  const conf = read(files.conf);
  if (conf !== undefined && conf.split('\n').some((l) => l.trim() === files.include)) return { changed: false };
  try {
    const text = conf === undefined || conf === '' ? '' : conf.endsWith('\n') ? conf : `${conf}\n`;
    writeFileAtomic(files.conf, `${text}${files.include}\n`);
  } catch (error) {
    undo();
    throw error;
  }
  return { changed: true };
}

/** Removes the include line (and bridge.conf when nothing else is left in it) and the app's ACL file. */
export function forgetBridgeHelper(qemuDir: string): { changed: boolean } {
  const files = bridgeHelperFiles(qemuDir);
  const conf = read(files.conf);
  let changed = false;
  if (conf !== undefined) {
    const kept = conf.split('\n').filter((l) => l.trim() !== files.include);
    if (kept.length !== conf.split('\n').length) {
      changed = true;
      if (kept.join('').trim() === '') fs.rmSync(files.conf, { force: true });
      else writeFileAtomic(files.conf, kept.join('\n'));
    }
  }
  if (fs.existsSync(files.acl)) {
    fs.rmSync(files.acl, { force: true });
    changed = true;
  }
  return { changed };
}

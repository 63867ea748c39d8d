// Facts about interfaces that only sysfs has: wireless, hardware-backed, link speed,
// byte counters. Reads are best effort: a missing file means "not known".
import fs from 'node:fs';
import path from 'node:path';
import type { SysFacts } from './classify';

export const SYS_NET = '/sys/class/net';

function readNumber(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    // Reading speed of a link that is down fails with EINVAL; that means "unknown".
    return undefined;
  }
}

export function readSysFacts(name: string, root = SYS_NET): SysFacts {
  const dir = path.join(root, name);
  const facts: SysFacts = {
    wireless: fs.existsSync(path.join(dir, 'wireless')) || fs.existsSync(path.join(dir, 'phy80211')),
    hasDevice: fs.existsSync(path.join(dir, 'device')),
  };
  const speed = readNumber(path.join(dir, 'speed'));
  if (speed !== undefined && speed > 0) facts.speedMbps = speed;
  return facts;
}

export function readByteCounters(name: string, root = SYS_NET): { rx: number; tx: number } | undefined {
  const rx = readNumber(path.join(root, name, 'statistics', 'rx_bytes'));
  const tx = readNumber(path.join(root, name, 'statistics', 'tx_bytes'));
  return rx === undefined || tx === undefined ? undefined : { rx, tx };
}

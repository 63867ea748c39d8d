// Live rates fall back to sysfs byte counters for links systeminformation leaves out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdapterRateMeter } from '../../../src-main/adapters/rates';
import { readSysFacts } from '../../../src-main/adapters/sysfs';

describe('adapter rates and sysfs facts', () => {
  let root: string | undefined;
  afterEach(() => {
    vi.useRealTimers();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const writeCounters = (name: string, rx: number, tx: number) => {
    fs.mkdirSync(path.join(root!, name, 'statistics'), { recursive: true });
    fs.writeFileSync(path.join(root!, name, 'statistics', 'rx_bytes'), `${rx}\n`);
    fs.writeFileSync(path.join(root!, name, 'statistics', 'tx_bytes'), `${tx}\n`);
  };

  it('measures a port without addresses from its byte counters', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-sys-'));
    // A name no real interface has, so systeminformation cannot answer for it.
    const name = 'vneport9z';
    writeCounters(name, 1000, 500);
    const meter = new AdapterRateMeter(root);
    // The clock is the test's: two samples exactly 2 s apart, so the rate is exact on any machine.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    expect(await meter.sample([name])).toEqual([{ name, rxBytesPerSecond: 0, txBytesPerSecond: 0 }]);
    vi.setSystemTime(new Date('2026-01-01T00:00:02Z'));
    writeCounters(name, 1000 + 50_000, 500 + 10_000);
    expect(await meter.sample([name])).toEqual([{ name, rxBytesPerSecond: 25_000, txBytesPerSecond: 5_000 }]);
  });

  it('reads wireless, hardware and speed from sysfs; an unreadable speed is unknown', () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-sys-'));
    fs.mkdirSync(path.join(root, 'wlp2s0', 'phy80211'), { recursive: true });
    fs.mkdirSync(path.join(root, 'enp3s0', 'device'), { recursive: true });
    fs.writeFileSync(path.join(root, 'enp3s0', 'speed'), '1000\n');
    fs.mkdirSync(path.join(root, 'veth0'), { recursive: true });
    fs.writeFileSync(path.join(root, 'veth0', 'speed'), '-1\n');
    expect(readSysFacts('wlp2s0', root)).toEqual({ wireless: true, hasDevice: false });
    expect(readSysFacts('enp3s0', root)).toEqual({ wireless: false, hasDevice: true, speedMbps: 1000 });
    expect(readSysFacts('veth0', root)).toEqual({ wireless: false, hasDevice: false });
  });
});

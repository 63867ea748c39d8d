// The runner's two changes that start no process: signals and /proc/sys settings.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ExecRunner, RecordingRunner, sysctlPath } from '../../../src-main/engine/runner';

describe('kernel settings', () => {
  it('map slash-separated keys to /proc/sys, dotted interface names intact', () => {
    expect(sysctlPath('net/ipv4/ip_forward')).toBe('/proc/sys/net/ipv4/ip_forward');
    expect(sysctlPath('net/ipv4/conf/br.10/promote_secondaries')).toBe('/proc/sys/net/ipv4/conf/br.10/promote_secondaries');
  });

  it('refuse a key that would leave /proc/sys or is not one', () => {
    for (const key of [
      '../../etc/passwd',
      'net/ipv4/../../../etc',
      'net//ip_forward',
      'net/ipv4/ip forward',
      '/net/ipv4/ip_forward',
      'net/./x',
    ])
      expect(() => sysctlPath(key), key).toThrow(/not a kernel setting/);
  });

  it('are recorded, not written, by the recording runner', async () => {
    const runner = new RecordingRunner();
    await runner.writeSysctl('net/ipv4/ip_forward', '1');
    await expect(runner.writeSysctl('../x', '1')).rejects.toThrow(/not a kernel setting/);
    expect(runner.lines()).toEqual(['sysctl net/ipv4/ip_forward=1']);
  });
});

describe('signals', () => {
  it('reach a live process, and report a process that is gone as false', async () => {
    const runner = new ExecRunner();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise((resolve) => child.on('spawn', resolve));
    expect(await runner.signal(child.pid!, 'SIGTERM')).toBe(true);
    expect(await exited).toBe('SIGTERM');
    expect(await runner.signal(child.pid!, 'SIGTERM')).toBe(false);
  });

  it('are recorded, not sent, by the recording runner', async () => {
    const runner = new RecordingRunner();
    expect(await runner.signal(1, 'SIGHUP')).toBe(true);
    expect(runner.lines()).toEqual(['signal HUP 1']);
  });
});

// A plan's DHCP servers started by one xargs: each start settles as its own command, and after a
// failure only the starts whose daemon does not run fail, with xargs' stderr.
import { describe, expect, it } from 'vitest';
import { startTogether } from '../../../src-main/engine/start-together';
import { RecordingRunner, type CommandResult, type CommandRunner } from '../../../src-main/engine/runner';

const start = (name: string, running?: () => boolean) => ({
  argv: ['dnsmasq', `--conf-file=/state/dhcp/${name}.conf`],
  ...(running ? { running } : {}),
});

async function outcomes(promises: Promise<void>[]): Promise<string[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as Error).message));
}

describe('starting daemons together', () => {
  it('several starts of one program go as one xargs, each argument NUL-terminated', async () => {
    const runner = new RecordingRunner();
    const done = startTogether(runner, [start('vmnet1', () => true), start('vmnet8', () => true)]);
    expect(await outcomes(done)).toEqual(['ok', 'ok']);
    expect(runner.commands).toEqual([
      {
        argv: ['xargs', '-0', '-n', '1', '-P', '0', 'dnsmasq'],
        input: '--conf-file=/state/dhcp/vmnet1.conf\0--conf-file=/state/dhcp/vmnet8.conf\0',
      },
    ]);
  });

  it('one start, or starts without a way to tell which failed, run as their own commands', async () => {
    const runner = new RecordingRunner();
    await Promise.all(startTogether(runner, [start('vmnet1', () => true)]));
    await Promise.all(startTogether(runner, [start('vmnet1', () => true), start('vmnet8')]));
    expect(runner.lines()).toEqual([
      'dnsmasq --conf-file=/state/dhcp/vmnet1.conf',
      'dnsmasq --conf-file=/state/dhcp/vmnet1.conf',
      'dnsmasq --conf-file=/state/dhcp/vmnet8.conf',
    ]);
  });

  it('after a failure, the starts whose daemon does not run fail as their own command with the stderr', async () => {
    const runner = new RecordingRunner().respond(['dnsmasq', '--conf-file=/state/dhcp/vmnet8.conf'], {
      code: 2,
      stderr: 'dnsmasq: failed to create listening socket for 192.168.133.2: Address already in use\n',
    });
    const done = startTogether(runner, [start('vmnet1', () => true), start('vmnet8', () => false), start('vmnet2', () => true)]);
    expect(await outcomes(done)).toEqual([
      'ok',
      '`dnsmasq --conf-file=/state/dhcp/vmnet8.conf` failed: dnsmasq: failed to create listening socket for 192.168.133.2: Address already in use',
      'ok',
    ]);
  });

  it('a failure no daemon accounts for is the first start’s; a runner that cannot start xargs fails them all', async () => {
    const failing = new RecordingRunner().respond(['dnsmasq', '--conf-file=/state/dhcp/vmnet1.conf'], { code: 1, stderr: 'odd' });
    expect(await outcomes(startTogether(failing, [start('vmnet1', () => true), start('vmnet8', () => true)]))).toEqual([
      '`dnsmasq --conf-file=/state/dhcp/vmnet1.conf` failed: odd',
      'ok',
    ]);
    const missing: CommandRunner = {
      run: (): Promise<CommandResult> => Promise.reject(new Error('`xargs` is not installed or not on PATH')),
      signal: () => Promise.resolve(true),
      writeSysctl: () => Promise.resolve(true),
    };
    expect(await outcomes(startTogether(missing, [start('vmnet1', () => false), start('vmnet8', () => false)]))).toEqual([
      '`xargs` is not installed or not on PATH',
      '`xargs` is not installed or not on PATH',
    ]);
  });
});

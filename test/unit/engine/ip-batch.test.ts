// One `ip -batch -` for a run of queued ip changes: the failing line's command and step are
// named (ip stops there), and a word ip -batch would read differently is refused.
import { describe, expect, it } from 'vitest';
import { IpBatch, IpLineError } from '../../../src-main/engine/ip-batch';
import { RecordingRunner } from '../../../src-main/engine/runner';

describe('ip -batch', () => {
  it('runs queued lines in one process, and one line as plain ip', async () => {
    const runner = new RecordingRunner();
    const batch = new IpBatch(runner);
    batch.queue(['link', 'add', 'name', 'vmnet1', 'type', 'bridge'], 0);
    batch.queue(['addr', 'add', '192.168.56.1/24', 'dev', 'vmnet1'], 1);
    await batch.flush();
    batch.queue(['link', 'set', 'dev', 'vmnet1', 'up'], 2);
    await batch.flush();
    await batch.flush();
    expect(runner.commands).toEqual([
      { argv: ['ip', '-batch', '-'], input: 'link add name vmnet1 type bridge\naddr add 192.168.56.1/24 dev vmnet1\n' },
      { argv: ['ip', 'link', 'set', 'dev', 'vmnet1', 'up'] },
    ]);
  });

  it('names the line that failed, as its own command, with the step that queued it', async () => {
    const runner = new RecordingRunner().respond(['ip', 'addr', 'add', '192.168.56.2/24'], {
      code: 2,
      stderr: 'Error: ipv4: Address already assigned.',
    });
    const batch = new IpBatch(runner);
    batch.queue(['addr', 'add', '192.168.56.1/24', 'dev', 'vmnet1'], 3);
    batch.queue(['addr', 'add', '192.168.56.2/24', 'dev', 'vmnet1'], 4);
    batch.queue(['addr', 'add', '192.168.56.3/24', 'dev', 'vmnet1'], 5);
    const error = await batch.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpLineError);
    expect((error as IpLineError).step).toBe(4);
    expect((error as IpLineError).message).toBe('`ip addr add 192.168.56.2/24 dev vmnet1` failed: Error: ipv4: Address already assigned.');
  });

  it('refuses words holding blanks, quotes, backslashes or #', () => {
    const batch = new IpBatch(new RecordingRunner());
    for (const word of ['a b', 'a"b', "a'b", 'a\\b', '#x', 'a\nb', '']) {
      expect(() => batch.queue(['link', 'set', 'dev', word, 'up'], 0)).toThrow(/refusing/);
    }
  });
});

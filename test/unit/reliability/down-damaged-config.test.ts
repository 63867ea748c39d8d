// `vnet down` must still remove what the app created when the stored config is damaged:
// the journal alone says what is the app's. (Commands are recorded, never run.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { down, RecordingRunner } from '../../../src-main/engine';
import { writeJournal } from '../../../src-main/engine/journal';
import { IP_BATCH_ARGV } from '../../../src-main/engine/inspect-ip';
import { FIREWALL_ARGV } from '../../../src-main/engine/inspect';
import type { Dirs } from '../../../src-main/paths';

let dirs: Dirs;

beforeEach(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-unit-down-'));
  dirs = { config: path.join(root, 'config'), state: path.join(root, 'state') };
  fs.mkdirSync(dirs.config, { recursive: true });
  fs.mkdirSync(dirs.state, { recursive: true });
});

afterEach(() => {
  fs.rmSync(path.dirname(dirs.state), { recursive: true, force: true });
});

/** A host where the app's bridge vmnet1 exists next to the uplink eth0. */
function hostRunner(): RecordingRunner {
  return (
    new RecordingRunner()
      // One `ip -j -d -batch -`: links with their addresses, routes, neighbours, IPv6 default routes.
      .respond(IP_BATCH_ARGV, {
        stdout: [
          [
            {
              ifindex: 2,
              ifname: 'eth0',
              flags: ['UP', 'LOWER_UP'],
              operstate: 'UP',
              linkinfo: { info_kind: 'veth' },
              addr_info: [{ family: 'inet', local: '10.0.0.5', prefixlen: 24 }],
            },
            {
              ifindex: 3,
              ifname: 'vmnet1',
              flags: ['UP'],
              operstate: 'UNKNOWN',
              linkinfo: { info_kind: 'bridge' },
              addr_info: [{ family: 'inet', local: '192.168.56.1', prefixlen: 24 }],
            },
          ],
          [],
          [],
          [],
        ]
          .map((listing) => JSON.stringify(listing))
          .join('\n'),
      })
      // `nft -j -p -i`: no table of the app's, no chains of anyone's.
      .respond(FIREWALL_ARGV, { stdout: '{"nftables":[]}', stderr: 'Error: No such file or directory\n' })
      .respond(['nft', 'list', 'table'], { code: 1, stderr: 'No such file or directory' })
      .respond(['ip', '-j', '-4', 'addr', 'show', 'dev'], { stdout: '[]' })
  );
}

it('a damaged stored config does not stop down from removing what the journal records, and only that', async () => {
  writeJournal(dirs, {
    version: 1,
    networks: { vmnet1: { type: 'hostonly', data: { bridge: true, addresses: ['192.168.56.1/24'] } } },
  });
  fs.writeFileSync(path.join(dirs.config, 'networks.json'), '{"version": 1, "netw');
  const runner = hostRunner();
  await down({ dirs, runner });
  const changes = runner.lines().filter((l) => !l.includes(' -j ') && !l.startsWith('nft list'));
  expect(changes).toContain('ip link del dev vmnet1');
  expect(changes.join('\n')).not.toMatch(/eth0/);
  // The damaged file is left for the user to recover from networks.json.bak.
  expect(fs.readFileSync(path.join(dirs.config, 'networks.json'), 'utf8')).toBe('{"version": 1, "netw');
});

it('taking down only some networks with a damaged stored config is refused (the others’ rules would be lost)', async () => {
  writeJournal(dirs, {
    version: 1,
    networks: { vmnet1: { type: 'hostonly', data: { bridge: true, addresses: ['192.168.56.1/24'] } } },
  });
  fs.writeFileSync(path.join(dirs.config, 'networks.json'), '\0\0');
  const runner = hostRunner();
  await expect(down({ dirs, runner }, ['vmnet1'])).rejects.toThrow(/networks\.json is unusable/);
  expect(runner.lines().filter((l) => !l.includes(' -j ') && !l.startsWith('nft list'))).toEqual([]);
});

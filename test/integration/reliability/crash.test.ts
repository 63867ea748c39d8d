// kill -9 of an apply at every host-changing command, injected through the command
// runner (harness.ts), from a clean host and from a host already running other networks.
// Every case ends with ONE `vnet apply` that converges (empty plan, clean doctor, exactly
// one DHCP server per DHCP network by pid file and by /proc, a guest gets a lease).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, type Config } from '../../../src-shared/model';
import { ensureCliBuilt, run, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import {
  applyConverges,
  buildHarness,
  expectOneDhcpServerEach,
  harness,
  hostWithUplink,
  makeGuest,
  snapshot,
  writeConfig,
  type Guest,
  type HostSnapshot,
} from './lib';

const sandbox = new Sandbox();
let script: string;
let host: Netns;
let dirs: VnetDirs;
let fileA: string;
let fileB: string;
let guest: Guest;
let clean: HostSnapshot;
/** Cases that ended converged, for the figures in the README (Reliability and security). */
let survived = 0;

/** Config B: vmnet1 moves subnet, vmnet8 gets a third port forward and a second reservation, vmnet2 is new. */
function changedConfig(): Config {
  const config = twoNetworks();
  config.networks[0] = hostOnlyNetwork('vmnet1', '192.168.57.0/24');
  const vmnet8 = config.networks[1] as Extract<Config['networks'][number], { type: 'nat' }>;
  vmnet8.nat.portForwards.push({ protocol: 'tcp', hostPort: 2222, guestAddress: '192.168.133.60', guestPort: 22 });
  vmnet8.dhcp.reservations.push({ mac: '52:54:00:00:00:60', address: '192.168.133.60', hostname: 'ssh' });
  const vmnet2 = hostOnlyNetwork('vmnet2', '192.168.58.0/24');
  vmnet2.dhcp.enabled = false;
  config.networks.push(vmnet2);
  return config;
}

async function down(): Promise<void> {
  const r = await vnet(host, dirs, ['down']);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  await ensureCliBuilt();
  script = await buildHarness(sandbox);
  ({ host } = await hostWithUplink(sandbox, 'crash', 91));
  dirs = vnetDirs(sandbox);
  fileA = writeConfig(sandbox, 'a.json', twoNetworks());
  fileB = writeConfig(sandbox, 'b.json', changedConfig());
  clean = await snapshot(host, dirs);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
  console.log(`[reliability] crash cases survived: ${survived}`);
});

describe('apply killed with SIGKILL at every host-changing command', () => {
  it('from a clean host: the next apply converges, down leaves the host as it was', async () => {
    const reference = await harness(script, host, dirs, ['apply', fileA]);
    expect(reference.json?.result?.ok, reference.stderr).toBe(true);
    const total = reference.commands.length;
    // Both networks' bridges and addresses are one `ip -batch -`, their DHCP servers one xargs; then the ruleset and forwarding.
    expect(total).toBeGreaterThanOrEqual(4);
    guest = await makeGuest(sandbox, host, 'vmnet8', 'crg8');
    await down();
    expect(await snapshot(host, dirs)).toEqual(clean);

    // Before each command (after the previous one and the journal write in between), and after the last one.
    const cases = [...Array.from({ length: total }, (_, i) => ({ when: 'BEFORE', n: i + 1 })), { when: 'AFTER', n: total }];
    console.log(`[reliability] clean-host crash cases: ${cases.length}`);
    for (const c of cases) {
      const t0 = Date.now();
      const why = `kill -9 ${c.when.toLowerCase()} command ${c.n}/${total} (${reference.commands[c.n - 1]})`;
      const crashed = await harness(script, host, dirs, ['apply', fileA], { [`VNE_CRASH_${c.when}`]: String(c.n) });
      expect(crashed.json, `${why}: the harness should have died`).toBeUndefined();
      expect(crashed.commands.length, why).toBe(c.n);
      await applyConverges(host, dirs, { file: fileA, dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [guest], why });
      await down();
      expect(await snapshot(host, dirs), `${why}: after down`).toEqual(clean);
      survived += 1;
      console.log(`[reliability] ${why}: converged in ${Date.now() - t0} ms`);
    }
  }, 900_000);

  it('from a running host changing to another config: either config converges in one apply', async () => {
    let r = await vnet(host, dirs, ['apply', '--config', fileA]);
    expect(r.code, r.stderr).toBe(0);
    const reference = await harness(script, host, dirs, ['apply', fileB]);
    expect(reference.json?.result?.ok, reference.stderr).toBe(true);
    const total = reference.commands.length;
    expect(total).toBeGreaterThan(5);
    for (let n = 1; n <= total; n++) {
      // Back to A (stored), then crash on the way to B.
      r = await vnet(host, dirs, ['apply', '--config', fileA]);
      expect(r.code, r.stderr).toBe(0);
      const why = `running A, kill -9 before command ${n}/${total} towards B (${reference.commands[n - 1]})`;
      const crashed = await harness(script, host, dirs, ['apply', fileB], { VNE_CRASH_BEFORE: String(n) });
      expect(crashed.json, why).toBeUndefined();
      // Alternate: the user retries B, or runs plain `vnet apply` (the stored config, still A).
      const retryB = n % 2 === 0;
      await applyConverges(host, dirs, {
        ...(retryB ? { file: fileB } : {}),
        dhcpNetworks: ['vmnet1', 'vmnet8'],
        guests: [guest],
        why: `${why}, then ${retryB ? 'apply B' : 'apply (stored A)'}`,
      });
      await expectOneDhcpServerEach(host, dirs, ['vmnet1', 'vmnet8'], why);
      survived += 1;
    }
    console.log(`[reliability] running-host crash cases: ${total}`);
    await down();
    expect(await snapshot(host, dirs)).toEqual(clean);
  }, 900_000);
});

describe('down killed with SIGKILL at every host-changing command', () => {
  /** The guest's port on the bridge: the test's, not the app's, so every down leaves it. */
  const guestPorts = async (): Promise<string[]> =>
    (await host.ipJson<{ ifname: string }[]>('link', 'show')).map((l) => l.ifname).filter((n) => n.startsWith('vg'));

  it('the next down (or apply, then down) finishes it; the bridges go as one group, never the guest’s port', async () => {
    // The guest of the first case (made here when this case runs alone).
    const onBridge = (guest as Guest | undefined) ?? (await makeGuest(sandbox, host, 'vmnet8', 'crg8'));
    const apply = async (): Promise<void> => {
      const r = await vnet(host, dirs, ['apply', '--config', fileA]);
      expect(r.code, r.stderr).toBe(0);
      await onBridge.attach();
    };
    await apply();
    const ports = await guestPorts();
    expect(ports).toHaveLength(1);
    const reference = await harness(script, host, dirs, ['down']);
    expect(reference.json?.result?.ok, reference.stderr).toBe(true);
    // Both bridges in one batch: each moved into the app's group, then the group deleted.
    expect(reference.commands).toContainEqual(
      expect.stringMatching(/^ip -batch - \(link set dev vmnet1 group \d+; link set dev vmnet8 group \d+; link del group \d+\)$/),
    );
    expect(await snapshot(host, dirs)).toEqual(clean);
    expect(await guestPorts()).toEqual(ports);
    const total = reference.commands.length;

    const cases = [...Array.from({ length: total }, (_, i) => ({ when: 'BEFORE', n: i + 1 })), { when: 'AFTER', n: total }];
    for (const [i, c] of cases.entries()) {
      await apply();
      const why = `kill -9 of down ${c.when.toLowerCase()} command ${c.n}/${total} (${reference.commands[c.n - 1]})`;
      const crashed = await harness(script, host, dirs, ['down'], { [`VNE_CRASH_${c.when}`]: String(c.n) });
      expect(crashed.json, `${why}: the harness should have died`).toBeUndefined();
      // At once, while the killed down's `ip -batch` may still be deleting the bridges (a kill -9
      // takes the vnet process only): the inspection waits for links in the delete group to go.
      // Alternate: the user runs down again, or brings the networks back first.
      if (i % 2 === 1) await applyConverges(host, dirs, { file: fileA, dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [onBridge], why });
      await down();
      expect(await snapshot(host, dirs), `${why}: after down`).toEqual(clean);
      expect(await guestPorts(), why).toEqual(ports);
      survived += 1;
    }
    console.log(`[reliability] down crash cases: ${cases.length}`);

    // An `ip` stopped between moving the bridges into the group and deleting it (Ctrl-C reaches
    // it too): they are left in the group, and the next down deletes them as its own.
    await apply();
    const group = /link del group (\d+)/.exec(reference.commands.join('\n'))![1]!;
    for (const bridge of ['vmnet1', 'vmnet8']) await host.ip('link', 'set', 'dev', bridge, 'group', group);
    await down();
    expect(await snapshot(host, dirs)).toEqual(clean);
    expect(await guestPorts()).toEqual(ports);

    // A killed down's `ip` still deleting the group when the next apply reads the host (made
    // certain here: that ip runs from the start and gets its deletion 400 ms after the apply
    // starts). The apply's inspection waits for the bridges to go, and brings them back: one
    // apply converges.
    await apply();
    for (const bridge of ['vmnet1', 'vmnet8']) await host.ip('link', 'set', 'dev', bridge, 'group', group);
    const deleting = run(['ip', 'netns', 'exec', host.name, 'sh', '-c', `(sleep 0.4; echo 'link del group ${group}') | ip -batch -`]);
    const why = 'apply while a killed down is still deleting the bridges';
    await applyConverges(host, dirs, { file: fileA, dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [], why });
    expect((await deleting).code, why).toBe(0);
    await down();
    expect(await snapshot(host, dirs)).toEqual(clean);
  }, 900_000);
});

// Several applies at once, through every front door: the CLI, the service dispatcher
// the desktop app uses (harness.ts `service`), and the web console's HTTP API. They
// serialise on the apply lock; the host ends up matching the config stored last, and
// one more apply converges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, Sandbox, spawnVnet, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import { hostOnlyNetwork, type Config } from '../../../src-shared/model';
import {
  applyConverges,
  buildHarness,
  harness,
  hostWithUplink,
  makeGuest,
  startConsole,
  writeConfig,
  type Console,
  type Guest,
} from './lib';

const sandbox = new Sandbox();
let script: string;
let host: Netns;
let dirs: VnetDirs;
let web: Console;
let guest: Guest;

function otherConfig(): Config {
  const config = twoNetworks();
  config.networks[0] = hostOnlyNetwork('vmnet1', '192.168.59.0/24');
  return config;
}

/** Starts one apply of `config` through each front door at the same moment; resolves with what each said. */
async function applyEverywhere(configs: Config[]): Promise<{ door: string; ok: boolean; detail: string }[]> {
  const files = configs.map((c, i) => writeConfig(sandbox, `c${i}.json`, c));
  const pick = (i: number): number => i % configs.length;
  const cli = [0, 1].map(async (i) => {
    const child = spawnVnet(host, dirs, ['apply', '--config', files[pick(i)]!]);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { door: `cli#${i}`, ok: code === 0, detail: err };
  });
  const service = [2, 3].map(async (i) => {
    const r = await harness(script, host, dirs, ['service', 'apply', '-'], {}, JSON.stringify({ config: configs[pick(i)] }));
    const envelope = r.json?.envelope;
    return {
      door: `dispatcher#${i}`,
      ok: envelope?.ok === true && (envelope.result as { ok: boolean }).ok,
      detail: r.stdout + r.stderr,
    };
  });
  const console_ = (async () => {
    const r = await web.call('apply', { config: configs[pick(4)] });
    const envelope = JSON.parse(r.body || '{}') as { ok?: boolean; result?: { ok: boolean } };
    return { door: 'web console', ok: r.status === 200 && envelope.ok === true && envelope.result?.ok === true, detail: r.body };
  })();
  return Promise.all([...cli, ...service, console_]);
}

beforeAll(async () => {
  await ensureCliBuilt();
  script = await buildHarness(sandbox);
  ({ host } = await hostWithUplink(sandbox, 'conc', 93));
  dirs = vnetDirs(sandbox);
  web = await startConsole(sandbox, host, dirs);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
});

describe('applies at the same time from the CLI, the dispatcher and the web console', () => {
  it('the same config five times at once from a clean host: all succeed, one DHCP server each', async () => {
    const outcomes = await applyEverywhere([twoNetworks()]);
    for (const o of outcomes) expect(o.ok, `${o.door}: ${o.detail}`).toBe(true);
    guest = await makeGuest(sandbox, host, 'vmnet8', 'cg8');
    await applyConverges(host, dirs, { dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [guest], why: 'after five concurrent applies' });
  }, 300_000);

  it('two different configs at once: every apply succeeds, the host matches the config stored last', async () => {
    const outcomes = await applyEverywhere([twoNetworks(), otherConfig()]);
    for (const o of outcomes) expect(o.ok, `${o.door}: ${o.detail}`).toBe(true);
    // No extra apply: what is stored is what the host runs.
    const plan = await vnet(host, dirs, ['plan', '--json']);
    expect(JSON.parse(plan.stdout)).toEqual([]);
    await applyConverges(host, dirs, { dhcpNetworks: ['vmnet1', 'vmnet8'], guests: [guest], why: 'after racing two configs' });
  }, 300_000);
});

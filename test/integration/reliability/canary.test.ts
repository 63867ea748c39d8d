// Injection canaries: shell, nft and dnsmasq metacharacters in every string field of a
// config, sent through the CLI, the service dispatcher (IPC) and the web console's HTTP
// API, inside a namespace. No canary file appears, refused requests change nothing, and
// accepted text (labels, descriptions) never reaches a command line or a generated file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, randomSuffix, Sandbox, vnet, vnetDirs, type Netns, type VnetDirs } from '../lib/netns';
import { twoNetworks } from '../engine/fixtures';
import { buildHarness, harness, hostWithUplink, snapshot, startConsole, writeConfig, type Console, type HostSnapshot } from './lib';

const sandbox = new Sandbox();
const tag = `vne-canary-${randomSuffix()}`;
const canaryDir = path.join(os.tmpdir(), tag);
let script: string;
let host: Netns;
let dirs: VnetDirs;
let web: Console;
let before: HostSnapshot;
let tried = 0;

/** Payloads that would create canaryDir/<n> if any shell, nft or dnsmasq ever interpreted them. */
function payloads(n: string): string[] {
  const file = path.join(canaryDir, n);
  return [
    `$(mkdir -p ${canaryDir} && touch ${file})`,
    `\`mkdir -p ${canaryDir}; touch ${file}\``,
    `x; mkdir -p ${canaryDir}; touch ${file}`,
    `x\ndhcp-script=/usr/bin/touch\nconf-file=${file}`,
    `x" ; add table ip ${tag.replace(/-/g, '_')} ; "`,
    `eth0\n}\ntable ip canary { }`,
    `x\u0000y`,
  ];
}

/** Every string field of the two-network config, as a setter. */
const FIELDS: [string, (c: ReturnType<typeof twoNetworks>, v: string) => void][] = [
  ['networks[0].name', (c, v) => (c.networks[0]!.name = v)],
  ['networks[0].label', (c, v) => ((c.networks[0] as { label?: string }).label = v)],
  ['networks[0].subnet', (c, v) => ((c.networks[0] as { subnet: string }).subnet = v)],
  ['networks[0].hostAdapter.address', (c, v) => ((c.networks[0] as { hostAdapter: { address: string } }).hostAdapter.address = v)],
  ['networks[1].dhcp.rangeStart', (c, v) => ((c.networks[1] as { dhcp: { rangeStart: string } }).dhcp.rangeStart = v)],
  ['networks[1].dhcp.reservations[0].mac', (c, v) => ((c.networks[1] as NatLike).dhcp.reservations[0]!.mac = v)],
  ['networks[1].dhcp.reservations[0].hostname', (c, v) => ((c.networks[1] as NatLike).dhcp.reservations[0]!.hostname = v)],
  ['networks[1].nat.gateway', (c, v) => ((c.networks[1] as NatLike).nat.gateway = v)],
  ['networks[1].nat.uplink', (c, v) => ((c.networks[1] as NatLike).nat.uplink = v)],
  ['networks[1].nat.portForwards[0].protocol', (c, v) => ((c.networks[1] as NatLike).nat.portForwards[0]!.protocol = v as 'tcp')],
  ['networks[1].nat.portForwards[0].guestAddress', (c, v) => ((c.networks[1] as NatLike).nat.portForwards[0]!.guestAddress = v)],
  ['networks[1].nat.portForwards[0].description', (c, v) => ((c.networks[1] as NatLike).nat.portForwards[0]!.description = v)],
];
type NatLike = {
  dhcp: { reservations: { mac: string; hostname?: string }[] };
  nat: { gateway: string; uplink: string; portForwards: { protocol: string; guestAddress: string; description?: string }[] };
};

function variants(): { field: string; config: unknown }[] {
  const out: { field: string; config: unknown }[] = [];
  FIELDS.forEach(([field, set], i) => {
    payloads(`f${i}`).forEach((p) => {
      const config = twoNetworks();
      set(config, p);
      out.push({ field, config });
    });
  });
  return out;
}

function noCanary(why: string): void {
  expect(fs.existsSync(canaryDir), `${why}: canary folder ${canaryDir} was created`).toBe(false);
}

beforeAll(async () => {
  await ensureCliBuilt();
  script = await buildHarness(sandbox);
  ({ host } = await hostWithUplink(sandbox, 'canary', 97));
  dirs = vnetDirs(sandbox);
  web = await startConsole(sandbox, host, dirs);
  before = await snapshot(host, dirs);
});

afterAll(async () => {
  await vnet(host, dirs, ['down']).catch(() => undefined);
  await sandbox.cleanup();
  fs.rmSync(canaryDir, { recursive: true, force: true });
  console.log(`[reliability] injection canaries: ${tried} hostile requests, no canary created`);
});

describe('canaries through every front door', () => {
  it('the service dispatcher (IPC): validateConfig, plan, apply, exportConfig, importConfig', async () => {
    const requests: { channel: string; payload: unknown; field: string }[] = variants().flatMap(({ field, config }) =>
      ['validateConfig', 'plan', 'apply', 'exportConfig'].map((channel) => ({ channel, payload: { config }, field })),
    );
    for (const p of payloads('imp')) {
      requests.push({ channel: 'importConfig', payload: { from: 'vmware', content: `VNET_1_HOSTONLY_SUBNET=${p}\n` }, field: 'content' });
      requests.push({ channel: 'leases', payload: { network: p }, field: 'network' });
      requests.push({ channel: 'setAdapter', payload: { name: p, up: false }, field: 'name' });
    }
    const r = await harness(script, host, dirs, ['service', '--batch'], {}, JSON.stringify(requests));
    const envelopes = r.json?.envelopes;
    expect(envelopes, r.stderr).toHaveLength(requests.length);
    tried += requests.length;
    envelopes!.forEach((e, i) => {
      const { channel, field } = requests[i]!;
      const accepted = e.ok && (channel !== 'validateConfig' || (e.result as { ok: boolean }).ok);
      if (!accepted) {
        // Refused with the field named (importConfig's text is parsed, and refused naming the file and line).
        const named = JSON.stringify(e.ok ? e.result : e.error);
        if (channel !== 'importConfig') expect(named, `${channel} ${field}`).toMatch(/"path":\[/);
        return;
      }
      // Only free text (label, description) may pass validation (or an import, which only converts); it must not reach the host.
      if (channel === 'apply') expect((e.result as { ok: boolean }).ok, JSON.stringify(e.result)).toBe(true);
      if (channel !== 'importConfig') expect(field, `${channel} accepted ${field}`).toMatch(/label|description/);
    });
    noCanary('dispatcher');
  }, 300_000);

  it('the web console (HTTP API)', async () => {
    for (const { field, config } of variants()) {
      for (const channel of ['plan', 'apply']) {
        const r = await web.call(channel, { config });
        tried += 1;
        const envelope = JSON.parse(r.body) as { ok: boolean; error?: { message: string } };
        if (!envelope.ok) expect(envelope.error!.message, field).toMatch(/^invalid (plan|apply) request:/);
        else expect(field).toMatch(/label|description/);
      }
    }
    noCanary('web console');
  }, 600_000);

  it('the CLI: refused fields exit 2 naming the field; accepted text is applied without reaching any command or file', async () => {
    const sample = variants().filter((_, i) => i % 3 === 0);
    for (const { field, config } of sample) {
      const r = await vnet(host, dirs, ['apply', '--config', writeConfig(sandbox, 'canary.json', config)]);
      tried += 1;
      if (r.code === 2) {
        expect(r.stderr, field).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `, 'm'));
        expect(r.stderr).not.toMatch(/^\s+at /m);
      } else {
        expect(r.code, `${field}: ${r.stderr}`).toBe(0);
        expect(field).toMatch(/label|description/);
      }
    }
    noCanary('CLI');
  }, 600_000);

  it('the host holds no trace of the hostile text; refused requests changed nothing', async () => {
    const now = await snapshot(host, dirs);
    const dump = JSON.stringify(now);
    for (const marker of [tag, 'canary', 'dhcp-script', 'mkdir']) expect(dump).not.toContain(marker);
    for (const dhcp of [path.join(dirs.state, 'dhcp'), `${dirs.state}-dnsmasq`]) {
      for (const name of fs.existsSync(dhcp) ? fs.readdirSync(dhcp) : []) {
        const text = fs.readFileSync(path.join(dhcp, name), 'utf8');
        for (const marker of ['canary', 'dhcp-script', 'mkdir', '\u0000']) expect(text, name).not.toContain(marker);
      }
    }
    // Down, and the host is as it was before any of it.
    expect((await vnet(host, dirs, ['down'])).code).toBe(0);
    expect(await snapshot(host, dirs)).toEqual(before);
    noCanary('end');
  });
});

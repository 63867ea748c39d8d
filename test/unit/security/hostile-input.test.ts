// Hostile input, by construction: 10,000 generated configs and 10,000 IPC payloads per
// run, with an injection corpus in every string field. Nothing crashes; what is refused
// names the field; and for every config that IS accepted, the generated nftables
// ruleset, dnsmasq config and reservations file contain only the lines the generators
// are meant to write (no injected line, no corpus text).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, validateConfig, type Config, type RoutedNetwork } from '../../../src-shared/model';
import { CHANNELS, parseRequest } from '../../../src-shared/ipc/contract';
import { createDispatcher } from '../../../src-main/service/dispatch';
import type { PrivilegedBackend } from '../../../src-main/service/backend';
import type { LocalHandlers } from '../../../src-main/service/local';
import { generateDnsmasqConf, generateHostsFile, generateRuleset } from '../../../src-main/engine';
import { dhcpFiles } from '../../../src-main/engine/dnsmasq';

export const RUNS = 10_000;

/** Shell, nft and dnsmasq metacharacters and keywords, control characters, long and unicode text. */
export const INJECTION = [
  '$(touch /tmp/vne-canary-a)',
  '`touch /tmp/vne-canary-b`',
  '; touch /tmp/vne-canary-c',
  '| touch /tmp/vne-canary-d',
  '&& reboot',
  "' || true '",
  '"; flush ruleset; "',
  '\n}\ntable ip evil { chain c { type filter hook input priority 0; policy drop; } }\n',
  'x\ndhcp-script=/tmp/vne-canary-e',
  'x\nconf-file=/etc/shadow',
  'x\r\nport=53',
  'comment "x" drop',
  '} ; delete table inet vnet_editor',
  '\u0000',
  'a\u0000b',
  '\u001b[31m',
  '\u2028\u2029',
  '../../../etc/passwd',
  '%s%n%x',
  '${IFS}',
  'vmnet8\ninterface=eth0',
  'é'.repeat(70),
  '😀'.repeat(40),
  'x'.repeat(5000),
  '',
  ' ',
];
const CORPUS_MARKERS = [
  'vne-canary',
  'reboot',
  'flush ruleset',
  'table ip evil',
  'dhcp-script',
  'conf-file=/etc',
  'port=53',
  'IFS',
  '\u0000',
];

const injected = fc.constantFrom(...INJECTION);
const text = (benign: fc.Arbitrary<string>) => fc.oneof({ weight: 2, arbitrary: benign }, { weight: 2, arbitrary: injected }, fc.string());

const stats = { configs: 0, accepted: 0, payloads: 0, acceptedPayloads: 0 };
afterAll(() => {
  console.log(
    `[reliability] hostile input: ${stats.configs} configs (${stats.accepted} accepted and their generated files checked), ` +
      `${stats.payloads} IPC payloads (${stats.acceptedPayloads} accepted)`,
  );
});

/** Mostly-valid configs (so many are accepted) with hostile text in every string field. */
function hostileConfig(): fc.Arbitrary<unknown> {
  const name = text(fc.constantFrom('vmnet1', 'vmnet8', 'vmnet2', 'lab-net', 'a.b_c'));
  const network = fc
    .record({
      kind: fc.constantFrom('nat', 'hostonly'),
      third: fc.integer({ min: 0, max: 255 }),
      name,
      label: fc.option(text(fc.constantFrom('Lab', 'Guests (NAT)')), { nil: undefined }),
      adapterOn: fc.boolean(),
      dns: fc.boolean(),
      hostnames: fc.array(text(fc.constantFrom('web', 'db-1', 'x')), { maxLength: 3 }),
      descriptions: fc.array(fc.option(text(fc.constantFrom('web server', 'ssh')), { nil: undefined }), { maxLength: 3 }),
      uplink: text(fc.constant('auto')),
      protocol: text(fc.constantFrom('tcp', 'udp')),
    })
    .map((g) => {
      const subnet = `10.${g.third}.${g.third % 7}.0/24`;
      const n: Record<string, unknown> & RoutedNetwork = g.kind === 'nat' ? natNetwork('x', subnet) : hostOnlyNetwork('x', subnet);
      const base = subnet.split('.').slice(0, 3).join('.');
      const out = { ...n, name: g.name } as unknown as Record<string, unknown>;
      if (g.label !== undefined) out.label = g.label;
      out.hostAdapter = { ...n.hostAdapter, enabled: g.adapterOn };
      out.dhcp = {
        ...n.dhcp,
        reservations: g.hostnames.map((hostname, i) => ({ mac: `52:54:00:00:00:${10 + i}`, address: `${base}.${10 + i}`, hostname })),
      };
      if (n.type === 'nat') {
        out.nat = {
          ...n.nat,
          dns: g.dns,
          uplink: g.uplink,
          portForwards: g.descriptions.map((description, i) => ({
            protocol: i === 0 ? g.protocol : 'tcp',
            hostPort: 20000 + g.third * 10 + i,
            guestAddress: `${base}.${10 + i}`,
            guestPort: 80 + i,
            ...(description !== undefined ? { description } : {}),
          })),
        };
      }
      return out;
    });
  return fc.record({
    version: fc.constantFrom(1, 1, 1, '1'),
    networks: fc.uniqueArray(network, { maxLength: 3, selector: (n) => n.name }),
  });
}

// What the generators may write, as regular expressions over whole lines.
const NAME = '[A-Za-z][A-Za-z0-9_.-]{0,14}';
const IP = '(?:\\d{1,3}\\.){3}\\d{1,3}';
function dnsmasqLines(dir: string, readable: string): RegExp[] {
  const d = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const r = readable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    `# Virtual Network Editor: DHCP( and DNS)? for network ${NAME} \\(generated; replaced on apply\\)`,
    `pid-file=${d}/${NAME}\\.pid`,
    `dhcp-leasefile=${d}/${NAME}\\.leases`,
    `dhcp-hostsfile=${r}/${NAME}\\.hosts`,
    'bind-dynamic',
    'except-interface=lo',
    `listen-address=${IP}`,
    'no-hosts',
    'domain-needed',
    'bogus-priv',
    `interface=${NAME}`,
    'port=0',
    `dhcp-range=${IP},${IP},${IP},\\d+`,
    `dhcp-option=option:router(,${IP})?`,
    `dhcp-option=option:dns-server(,${IP})?`,
    'dhcp-authoritative',
    'dhcp-no-override',
    '',
  ].map((r) => new RegExp(`^${r}$`));
}
const HOSTS_LINE = new RegExp(`^[0-9a-f]{2}(:[0-9a-f]{2}){5},${IP}(,[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)?$`);

/**
 * A ruleset line with the user's words abstracted, so it can be compared with the templates:
 * quoted interface names must be interface names, comment texts may not hold a quote, and
 * addresses and numbers become placeholders. Anything else must match a template exactly.
 */
function shape(line: string): string {
  const name = NAME;
  if (line.startsWith('# Virtual Network Editor ruleset for ')) {
    const rest = line.slice('# Virtual Network Editor ruleset for '.length);
    return new RegExp(`^(no networks|${name}(, ${name})*)$`).test(rest) ? 'HEADER' : `BAD HEADER ${line}`;
  }
  return line
    .replace(/comment "([^"]*)"/g, 'comment "C"')
    .replace(new RegExp(`([io]ifname (!= )?)"${name}"`, 'g'), '$1"Q"')
    .replace(/\b(from|to|host_from|host_to)_[A-Za-z0-9_]+/g, '$1_ID')
    .replace(/(\d{1,3}\.){3}\d{1,3}(\/\d+)?/g, 'IP')
    .replace(/\b\d+\b/g, 'N');
}

/** Every line shape the ruleset generator writes, from benign configs covering each variant. */
const TEMPLATES: Set<string> = (() => {
  const shapes = new Set<string>();
  const variants: RoutedNetwork[] = [];
  for (const adapter of [true, false]) {
    for (const dns of [true, false]) {
      const nat = natNetwork('vmnet8', '192.168.133.0/24');
      nat.hostAdapter.enabled = adapter;
      nat.nat.dns = dns;
      if (!adapter) nat.nat.uplink = 'eth0';
      nat.nat.portForwards = [
        { protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80 },
        { protocol: 'udp', hostPort: 5353, guestAddress: '192.168.133.51', guestPort: 53 },
      ].slice(0, dns ? 2 : 1) as typeof nat.nat.portForwards;
      const host = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
      host.hostAdapter.enabled = adapter;
      variants.push(nat, host);
    }
  }
  for (let i = 0; i < variants.length; i += 2) {
    for (const set of [[], [variants[i]!], [variants[i + 1]!], [variants[i]!, variants[i + 1]!]]) {
      for (const line of generateRuleset(set).split('\n')) shapes.add(shape(line));
    }
  }
  // The forward map lists networks in config order, so a udp element may come before a tcp one.
  const udpNet = natNetwork('vmnet2', '192.168.134.0/24');
  udpNet.nat.portForwards = [{ protocol: 'udp', hostPort: 5353, guestAddress: '192.168.134.51', guestPort: 53 }];
  const tcpNet = natNetwork('vmnet8', '192.168.133.0/24');
  tcpNet.nat.portForwards = [{ protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80 }];
  for (const line of generateRuleset([udpNet, tcpNet]).split('\n')) shapes.add(shape(line));
  return shapes;
})();

describe('generated configs with an injection corpus in every string field', () => {
  it(`${RUNS} configs: no crash; refusals name a field; accepted ones generate only expected nft and dnsmasq lines`, () => {
    const dirs = { config: '/etc/vnet-editor', state: '/var/lib/vnet-editor' };
    fc.assert(
      fc.property(hostileConfig(), (candidate) => {
        stats.configs += 1;
        const result = validateConfig(candidate);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) {
            // Every refusal points into the config (never an anonymous failure) and says something.
            expect(e.message.length).toBeGreaterThan(0);
            expect(e.path.length).toBeGreaterThan(0);
          }
          return;
        }
        stats.accepted += 1;
        const config: Config = result.config;
        const routed = config.networks.filter((n): n is RoutedNetwork => n.type !== 'bridged');
        const ruleset = generateRuleset(routed);
        for (const line of ruleset.split('\n')) {
          expect(TEMPLATES.has(shape(line)), `unexpected nft line: ${JSON.stringify(line)}`).toBe(true);
        }
        for (const network of routed) {
          const files = dhcpFiles(dirs, network.name);
          const conf = generateDnsmasqConf(network, files);
          const allowed = dnsmasqLines(files.dir, files.readable);
          for (const line of conf.split('\n')) {
            expect(
              allowed.some((r) => r.test(line)),
              `unexpected dnsmasq line: ${JSON.stringify(line)}`,
            ).toBe(true);
          }
          for (const line of generateHostsFile(network).split('\n').filter(Boolean)) {
            expect(HOSTS_LINE.test(line), `unexpected reservation line: ${JSON.stringify(line)}`).toBe(true);
          }
          for (const marker of CORPUS_MARKERS) {
            expect(conf + generateHostsFile(network) + ruleset).not.toContain(marker);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // The property is only meaningful if plenty of hostile configs were accepted and checked.
    expect(stats.accepted).toBeGreaterThan(RUNS / 10);
  }, 300_000);
});

describe('IPC payloads with an injection corpus', () => {
  const called: string[] = [];
  const backend: PrivilegedBackend = {
    async call(channel) {
      called.push(channel);
      return undefined as never;
    },
    privilege: () => 'root',
    close() {},
  };
  const local = new Proxy({} as LocalHandlers, {
    get: (_t, channel: string) => async () => {
      called.push(channel);
      return undefined;
    },
  });
  const dispatcher = createDispatcher({ local, backend });

  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small' },
      injected,
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('any'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(injected, fc.constantFrom('config', 'network', 'name', 'up', 'trySeconds', 'service', '__proto__')),
        tie('any'),
        {
          maxKeys: 4,
        },
      ),
    ),
  })).any;
  const payload = fc.oneof(
    value,
    fc.record({ network: text(fc.constantFrom('vmnet1', 'vmnet8')) }),
    fc.record({ name: text(fc.constantFrom('eth0', 'lo')), up: fc.boolean(), trySeconds: fc.option(fc.integer(), { nil: undefined }) }),
    fc.record({ network: text(fc.constant('vmnet8')), service: text(fc.constantFrom('dhcp', 'nat')) }),
    fc.record({ config: hostileConfig() }),
    fc.record({ from: text(fc.constantFrom('vmware', 'libvirt')), content: text(fc.constant('x')) }),
  );
  const channel = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...CHANNELS) },
    injected,
    fc.constantFrom('__proto__', 'constructor', 'toString'),
  );

  it(`${RUNS} payloads: never a crash, refusals name the payload path, nothing runs for a refused request`, async () => {
    await fc.assert(
      fc.asyncProperty(channel, payload, async (ch, p) => {
        stats.payloads += 1;
        called.length = 0;
        const envelope = await dispatcher.call(ch, p);
        if (!(CHANNELS as readonly string[]).includes(ch)) {
          expect(envelope.ok).toBe(false);
          expect(!envelope.ok && envelope.error.code).toBe('denied');
          expect(called).toEqual([]);
          return;
        }
        const parsed = parseRequest(ch as (typeof CHANNELS)[number], p);
        if (!parsed.ok) {
          expect(envelope.ok).toBe(false);
          if (!envelope.ok) {
            expect(envelope.error.code).toBe('invalid');
            expect(envelope.error.message).toMatch(new RegExp(`^invalid ${ch} request:\\n`));
            expect(envelope.error.errors!.length).toBeGreaterThan(0);
            // The message never echoes more than a bounded slice of the hostile input.
            expect(envelope.error.message.length).toBeLessThan(20 * 400);
          }
          expect(called).toEqual([]);
        } else {
          stats.acceptedPayloads += 1;
          expect(called).toEqual([ch]);
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('the line checks themselves', () => {
  it('refuse injected lines (so the property above can fail)', () => {
    for (const line of [
      'table ip evil { chain c { type filter hook input priority 0; policy drop; } }',
      '\t\toifname "eth0" accept',
      '\t\toifname "x" drop; flush ruleset',
      '\t\tdrop comment "a" comment "b"; flush ruleset',
      '# Virtual Network Editor ruleset for $(reboot)',
    ]) {
      expect(TEMPLATES.has(shape(line)), line).toBe(false);
    }
    const allowed = dnsmasqLines('/var/lib/vnet-editor/dhcp', '/var/lib/vnet-editor-dnsmasq');
    for (const line of ['dhcp-script=/tmp/x', 'conf-file=/etc/shadow', 'interface=eth0 ', 'port=53', 'dhcp-range=1,2,3,4;x']) {
      expect(
        allowed.some((r) => r.test(line)),
        line,
      ).toBe(false);
    }
    expect(HOSTS_LINE.test('52:54:00:00:00:10,10.0.0.10,x;y')).toBe(false);
  });
});

// The inspection reads the host with one `ip -j -d -batch -` and one `nft -j` process. Their
// output was recorded from real iproute2 6.1 and nftables 1.0.6 in test namespaces (IPv6 default
// routes in the main table and in table 100, IPv4 and IPv6 neighbours of several states, a link
// alias, the app's table next to a foreign drop chain), together with the single commands the
// inspection ran before, at the same moment: what one process gives must be what those gave.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { IP_BATCH, IP_BATCH_ARGV, inspectIp, untilDeleted } from '../../../src-main/engine/inspect-ip';
import { DELETE_GROUP } from '../../../src-main/engine/link-group';
import { FIREWALL_ARGV, FIREWALL_LISTINGS, foreignDropsFrom, inspectFirewall, tableStateFrom } from '../../../src-main/engine/inspect';
import { splitJsonDocuments } from '../../../src-main/engine/json-documents';
import { canonicalIpv6 } from '../../../src-shared/model/ip6';

const recorded = (name: string): string => fs.readFileSync(path.join(__dirname, '../../fixtures/inspect', name), 'utf8');
const json = <T>(name: string): T => JSON.parse(recorded(name)) as T;

type Row = Record<string, unknown> & { addr_info?: Record<string, unknown>[] };

/** What the single commands gave, read the way the inspection read them before the batch. */
function fromSingleCommands() {
  const links = new Map<string, Record<string, unknown>>();
  for (const l of json<Row[]>('ip-link.out')) {
    const flags = (l.flags as string[]) ?? [];
    links.set(String(l.ifname), {
      name: l.ifname,
      ifindex: l.ifindex,
      kind: (l.linkinfo as { info_kind?: string } | undefined)?.info_kind,
      adminUp: flags.includes('UP'),
      operState: l.operstate ?? 'UNKNOWN',
      carrier: flags.includes('LOWER_UP'),
      mac: l.address,
      master: l.master,
      addresses: [],
      ...(typeof l.mtu === 'number' ? { mtu: l.mtu } : {}),
      ...(l.ifalias ? { alias: l.ifalias } : {}),
      ...(l.group ? { group: l.group } : {}),
    });
  }
  for (const [file, family, key, max] of [
    ['ip-addr4.out', 'inet', 'addresses', 32],
    ['ip-addr6.out', 'inet6', 'addresses6', 128],
  ] as const) {
    for (const a of json<Row[]>(file)) {
      const link = links.get(String(a.ifname))!;
      for (const info of a.addr_info ?? []) {
        if (info.family !== family || !info.local) continue;
        const address = family === 'inet6' ? canonicalIpv6(String(info.local)) : String(info.local);
        ((link[key] ??= []) as string[]).push(`${address}/${String(info.prefixlen ?? max)}`);
      }
    }
  }
  const route = (r: Row, withScope: boolean) => ({
    dst: r.dst,
    dev: r.dev,
    gateway: r.gateway,
    protocol: r.protocol,
    ...(withScope ? { scope: r.scope } : {}),
  });
  return {
    links,
    routes: json<Row[]>('ip-route4.out').map((r) => route(r, true)),
    neighbours: json<Row[]>('ip-neigh4.out')
      .filter((n) => n.lladdr && !(n.state as string[]).includes('FAILED') && !(n.state as string[]).includes('INCOMPLETE'))
      .map((n) => ({ address: n.dst, dev: n.dev ?? '', mac: n.lladdr })),
    defaultRoutes6: json<Row[]>('ip-route6-default.out').map((r) => route(r, false)),
  };
}

describe('JSON documents one after the other', () => {
  it('are split at the top level, with brackets and quotes inside strings left alone', () => {
    expect(splitJsonDocuments('[1,[2]]\n{"a":"]}\\"["}\n[]\n')).toEqual([[1, [2]], { a: ']}"[' }, []]);
    expect(splitJsonDocuments('')).toEqual([]);
  });

  it('refuse output cut short or with anything between the documents', () => {
    expect(() => splitJsonDocuments('[1]\n[2')).toThrow(/cut short/);
    expect(() => splitJsonDocuments('[1] x [2]')).toThrow(/unexpected "x"/);
    expect(() => splitJsonDocuments('[1]]')).toThrow(/unbalanced/);
  });

  it('give one listing per line of the recorded batch', () => {
    expect(splitJsonDocuments(recorded('ip-batch.out'))).toHaveLength(IP_BATCH.length);
  });
});

/** The recorded batch's output with link v1 moved into the app's delete group (a down deleting it), or gone. */
function withV1(state: 'in the delete group' | 'gone'): string {
  const [links, ...rest] = splitJsonDocuments(recorded('ip-batch.out')) as [Row[], ...unknown[]];
  const changed =
    state === 'gone'
      ? links.filter((l) => l.ifname !== 'v1')
      : links.map((l) => (l.ifname === 'v1' ? { ...l, group: String(DELETE_GROUP) } : l));
  return [changed, ...rest].map((doc) => JSON.stringify(doc)).join('\n');
}

describe('the inspection and links a killed down is still deleting', () => {
  it('reads again until they are gone, so no plan counts on them', async () => {
    const answers = [withV1('in the delete group'), withV1('gone')];
    const runner = new RecordingRunner().respond(IP_BATCH_ARGV, () => ({ stdout: answers.shift() ?? withV1('gone') }));
    const view = await untilDeleted(runner, { everyMs: 1, deleter: () => true });
    expect(view.links.has('v1')).toBe(false);
    expect(view.links.has('v2')).toBe(true);
    expect(runner.commands).toHaveLength(2);
  });

  it('takes links that stay in the group as they are once its patience is over', async () => {
    const runner = new RecordingRunner().respond(IP_BATCH_ARGV, () => ({ stdout: withV1('in the delete group') }));
    const view = await untilDeleted(runner, { patienceMs: 500, everyMs: 5, deleter: () => true });
    expect(view.links.get('v1')?.group).toBe(String(DELETE_GROUP));
    expect(runner.commands.length).toBeGreaterThan(1);
  });

  it('does not wait for leftovers when no ip runs to delete them', async () => {
    const runner = new RecordingRunner().respond(IP_BATCH_ARGV, () => ({ stdout: withV1('in the delete group') }));
    const view = await untilDeleted(runner, { patienceMs: 60_000, everyMs: 1, deleter: () => false });
    expect(view.links.get('v1')?.group).toBe(String(DELETE_GROUP));
    expect(runner.commands).toHaveLength(1);
  });
});

describe('one ip process for links, addresses, routes and neighbours', () => {
  it('finds what the six single commands found, field for field', async () => {
    const runner = new RecordingRunner().respond(IP_BATCH_ARGV, { stdout: recorded('ip-batch.out') });
    const view = await inspectIp(runner);
    const before = fromSingleCommands();
    expect(JSON.stringify(Object.fromEntries(view.links))).toBe(JSON.stringify(Object.fromEntries(before.links)));
    expect(view.routes).toEqual(before.routes);
    expect(view.neighbours).toEqual(before.neighbours);
    expect(view.defaultRoutes6).toEqual(before.defaultRoutes6);
    expect(runner.commands).toEqual([{ argv: IP_BATCH_ARGV, input: `${IP_BATCH.join('\n')}\n` }]);
  });

  it('keeps what the checks look at: RA routes of the main table only, answered IPv4 neighbours, global IPv6 addresses, aliases', async () => {
    const view = await inspectIp(new RecordingRunner().respond(IP_BATCH_ARGV, { stdout: recorded('ip-batch.out') }));
    expect(view.defaultRoutes6).toEqual([
      { dst: 'default', dev: 'v1', gateway: '2001:db8::2', protocol: 'ra' },
      { dst: 'default', dev: 'v2', gateway: undefined, protocol: undefined },
    ]);
    expect(view.neighbours.map((n) => n.address)).toEqual(['10.9.9.11', '10.9.9.9']);
    expect(view.links.get('v1')).toMatchObject({
      kind: 'veth',
      alias: 'my uplink',
      addresses: ['10.9.9.1/24'],
      addresses6: ['2001:db8::1/64'],
    });
    expect(view.links.get('v2')?.addresses6).toBeUndefined();
    expect(view.routes.find((r) => r.dst === 'default')).toEqual({
      dst: 'default',
      dev: 'v2',
      gateway: undefined,
      protocol: undefined,
      scope: 'link',
    });
  });

  it('falls back to one process per listing when the batch fails, an optional one failing as empty', async () => {
    const runner = new RecordingRunner()
      .respond(IP_BATCH_ARGV, { code: 1, stderr: 'Command failed -:3' })
      .respond(['ip', '-j', '-d', 'addr'], { stdout: recorded('ip-batch.out').split('\n')[0]! })
      .respond(['ip', '-j', '-d', 'neigh'], { code: 1, stderr: 'RTNETLINK answers: Operation not supported' });
    const view = await inspectIp(runner);
    expect(runner.lines()).toEqual([
      'ip -j -d -batch -',
      'ip -j -d addr show',
      'ip -j -d route show table main',
      'ip -j -d neigh show',
      'ip -j -d route show table all exact ::/0',
    ]);
    expect(view.links.size).toBe(fromSingleCommands().links.size);
    expect(view.neighbours).toEqual([]);
  });

  it('fails when a listing the checks need fails, naming the command', async () => {
    const runner = new RecordingRunner()
      .respond(IP_BATCH_ARGV, { code: 1, stderr: 'Command failed -:1' })
      .respond(['ip', '-j', '-d', 'addr'], { code: 255, stderr: 'Cannot open netlink socket' });
    await expect(inspectIp(runner)).rejects.toThrow(/ip -j -d addr show.*Cannot open netlink socket/);
  });

  it('refuses a batch that did not print one listing per line', async () => {
    const cut = recorded('ip-batch.out').split('\n').slice(0, 2).join('\n');
    await expect(inspectIp(new RecordingRunner().respond(IP_BATCH_ARGV, { stdout: cut }))).rejects.toThrow(
      /expected 4 JSON listings.*got 2/,
    );
  });
});

describe('one nft process for the app table and the other tables chains', () => {
  const items = (name: string) => json<{ nftables: never[] }>(name).nftables;
  const single = () => ({ table: tableStateFrom(items('nft-table.out')), foreignDrops: foreignDropsFrom(items('nft-chains.out')) });
  const NO_TABLE = { exists: false, rules: {}, portForwards: 0 };

  it('finds what the two listings found, with the same fingerprint, other tables chains included', async () => {
    const runner = new RecordingRunner().respond(FIREWALL_ARGV, { stdout: recorded('nft-interactive.out') });
    const found = await inspectFirewall(runner);
    expect(found).toEqual(single());
    expect(found.table).toMatchObject({ exists: true, rules: { forward: expect.any(Number) as number } });
    expect(found.foreignDrops).toEqual([{ family: 'ip', table: 'filt', chain: 'fw', hook: 'forward', what: 'policy drop' }]);
    expect(runner.commands).toEqual([{ argv: ['nft', '-j', '-p', '-i'], input: FIREWALL_LISTINGS }]);
  });

  it('reads a missing table as missing, from the error nft printed for it, and still has the chains', async () => {
    const runner = new RecordingRunner().respond(FIREWALL_ARGV, {
      stdout: recorded('nft-interactive-no-table.out'),
      stderr: recorded('nft-interactive-no-table.err'),
    });
    expect(await inspectFirewall(runner)).toEqual({ table: NO_TABLE, foreignDrops: foreignDropsFrom(items('nft-chains-no-table.out')) });
    expect(runner.lines()).toHaveLength(1);
  });

  it('runs the two listings on their own when a listing is missing without an error, or the output is not the documents', async () => {
    for (const answer of [
      { stdout: '' },
      { stdout: `nft> ${recorded('nft-interactive.out')}` },
      { code: 1, stderr: 'Error: unknown option -i' },
    ]) {
      const runner = new RecordingRunner()
        .respond(FIREWALL_ARGV, answer)
        .respond(['nft', '-j', '-p', 'list', 'table'], { stdout: recorded('nft-table.out') })
        .respond(['nft', '-j', '-p', 'list', 'chains'], { stdout: recorded('nft-chains.out') });
      expect(await inspectFirewall(runner)).toEqual(single());
      expect(runner.lines()).toEqual(['nft -j -p -i', 'nft -j -p list table inet vnet_editor', 'nft -j -p list chains']);
    }
  });
});

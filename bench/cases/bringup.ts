// Ten NAT networks with DHCP brought up and torn down by `vnet apply` / `vnet down`, against
// libvirt's `virsh net-start` / `net-destroy` of the equivalent ten networks; and how fast a
// new machine gets a DHCP lease on one of them, ours against libvirt's.
import type { BenchCase, BenchContext, Outcome } from '../context';
import { errorText } from '../context';
import { BRINGUP_COUNT, libvirtNetworkXml, tenNatNetworks } from '../configs';
import { DhcpClient } from '../dhcp';
import { alternate, type Variant } from '../harness';
import { ensureLibvirtInstalled, LibvirtSandbox } from '../libvirt';
import type { Netns } from '../netns';
import { run } from '../proc';
import { makeResult, type BenchResult, type SkippedEntry } from '../results';
import { alternationOrder } from '../stats';
import { hostWithUplink, UPLINK } from '../topology';
import { VnetHost } from '../vnet';
import { explainRun } from '../explain';

interface Side {
  label: string;
  host: Netns;
  /** The bridge of the first network and its subnet's first three octets, for the DHCP client. */
  firstBridge: string;
  firstPrefix: string;
  up: () => Promise<number>;
  down: () => Promise<number>;
  /** Bridge name prefix, to check that exactly the ten networks exist after bring-up and none after teardown. */
  bridgePrefix: string;
}

async function bridgesIn(ns: Netns, prefix: string): Promise<string[]> {
  const { stdout } = await ns.ip(['-j', 'link', 'show', 'type', 'bridge']);
  const links = JSON.parse(stdout || '[]') as { ifname: string }[];
  return links.map((l) => l.ifname).filter((n) => n.startsWith(prefix));
}

async function dnsmasqCount(ns: Netns): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'pids', ns.name]);
  let count = 0;
  for (const pid of stdout.split(/\s+/).filter(Boolean)) {
    const comm = await run('cat', [`/proc/${pid}/comm`]).catch(() => ({ stdout: '' }));
    if (comm.stdout.trim() === 'dnsmasq') count++;
  }
  return count;
}

/** A timing only counts if the work was really done: ten bridges and a DHCP server per network after bring-up, none after teardown. */
async function checkUp(side: Side): Promise<void> {
  const bridges = await bridgesIn(side.host, side.bridgePrefix);
  const servers = await dnsmasqCount(side.host);
  if (bridges.length !== BRINGUP_COUNT || servers < BRINGUP_COUNT) {
    throw new Error(
      `${side.label}: after bring-up there are ${bridges.length} bridges and ${servers} dnsmasq processes, expected ${BRINGUP_COUNT} of each`,
    );
  }
}

async function checkDown(side: Side): Promise<void> {
  const bridges = await bridgesIn(side.host, side.bridgePrefix);
  const servers = await dnsmasqCount(side.host);
  if (bridges.length !== 0 || servers !== 0) {
    throw new Error(`${side.label}: after teardown ${bridges.length} bridges and ${servers} dnsmasq processes remain`);
  }
}

async function oursSide(ctx: BenchContext): Promise<Side & { explain: () => Promise<void> }> {
  const { host } = await hostWithUplink(ctx.cleanup, 'o');
  const vnet = VnetHost.create(ctx.cleanup, host, ctx.repoRoot);
  const config = vnet.writeConfig(tenNatNetworks(UPLINK.hostIf));
  return {
    // Not part of the numbers: one more bring-up and teardown with time-stamped steps, for the log.
    explain: async () => {
      for (const line of explainRun(
        'bring-up: where vnet apply of ten networks spends its time',
        await vnet.stamped(['apply', '--config', config]),
      ))
        ctx.log(line);
      for (const line of explainRun('teardown: where vnet down of ten networks spends its time', await vnet.stamped(['down'])))
        ctx.log(line);
    },
    label: 'vnet',
    host,
    firstBridge: 'vnbench0',
    firstPrefix: '192.168.100.',
    bridgePrefix: 'vnbench',
    up: () => vnet.timedApply(config),
    down: () => vnet.timedDown(),
  };
}

async function libvirtSide(ctx: BenchContext): Promise<Side> {
  const { host } = await hostWithUplink(ctx.cleanup, 'l');
  const libvirt = await LibvirtSandbox.start(ctx.cleanup, host);
  const names: string[] = [];
  for (let i = 0; i < BRINGUP_COUNT; i++) {
    names.push(`lvbench${i}`);
    await libvirt.define(libvirtNetworkXml(i), `lvbench${i}`);
  }
  // One virsh process running the ten commands: the cheapest way a user can do it with virsh.
  const timedVirsh = async (command: string): Promise<number> => {
    const [cmd, args] = libvirt.virshArgv([names.map((n) => `${command} ${n}`).join(' ; ')]);
    const begin = process.hrtime.bigint();
    await run(cmd, args, { timeoutMs: 120_000 });
    return Number(process.hrtime.bigint() - begin) / 1e6;
  };
  return {
    label: 'libvirt',
    host,
    firstBridge: 'lvbench0',
    firstPrefix: '192.168.100.',
    bridgePrefix: 'lvbench',
    up: () => timedVirsh('net-start'),
    down: () => timedVirsh('net-destroy'),
  };
}

async function measureDhcp(ctx: BenchContext, sides: Side[]): Promise<number[][]> {
  const variants: Variant[] = [];
  const clients: DhcpClient[] = [];
  for (const side of sides) {
    const client = await DhcpClient.create(ctx.cleanup, side.host, side.label[0]!);
    await client.attach(side.firstBridge);
    variants.push({ label: `DHCP lease from ${side.label}`, measure: () => client.lease(side.firstPrefix) });
    clients.push(client);
  }
  ctx.log(`dhcp: ${ctx.settings.dhcpReps} leases per side, alternated`);
  const samples = await alternate(variants, ctx.settings.dhcpReps, ctx.log);
  // Off the bridges again, so teardown times the same work as in the other rounds.
  for (const client of clients) await client.detach();
  return samples;
}

export const bringupCase: BenchCase = {
  id: 'bringup',
  entries: ['bringup-10-nat-vs-libvirt', 'teardown-10-nat-vs-libvirt', 'dhcp-lease-ms'],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { log, settings } = ctx;
    const skipped: SkippedEntry[] = [];
    const results: BenchResult[] = [];
    const ours = await oursSide(ctx);
    const sides: Side[] = [ours];

    let libvirtMissing = await ensureLibvirtInstalled(log);
    if (libvirtMissing === null) {
      try {
        sides.push(await libvirtSide(ctx));
      } catch (error) {
        libvirtMissing = errorText(error);
      }
    }
    if (libvirtMissing !== null) {
      log(`libvirt baseline unavailable: ${libvirtMissing}`);
      for (const name of ['bringup-10-nat-vs-libvirt', 'teardown-10-nat-vs-libvirt'])
        skipped.push({ name, reason: `libvirt cannot run here: ${libvirtMissing}` });
    }

    const rounds = libvirtMissing === null ? settings.bringupRounds : 1;
    log(`bring-up/teardown: ${rounds} rounds of ${sides.map((s) => s.label).join(' and ')}, ten NAT networks each, order alternated`);
    const ups: number[][] = sides.map(() => []);
    const downs: number[][] = sides.map(() => []);
    let dhcp: number[][] = [];
    for (const [round, order] of alternationOrder(sides.length, rounds).entries()) {
      for (const i of order) {
        const ms = await sides[i]!.up();
        await checkUp(sides[i]!);
        ups[i]!.push(ms);
        log(`  round ${round + 1}/${rounds}  ${sides[i]!.label} bring-up: ${ms.toFixed(0)} ms`);
      }
      if (round === rounds - 1) dhcp = await measureDhcp(ctx, sides);
      for (const i of order) {
        const ms = await sides[i]!.down();
        await checkDown(sides[i]!);
        downs[i]!.push(ms);
        log(`  round ${round + 1}/${rounds}  ${sides[i]!.label} teardown: ${ms.toFixed(0)} ms`);
      }
    }

    if (!settings.quick) await ours.explain();

    if (libvirtMissing === null) {
      results.push(
        makeResult(
          {
            name: 'bringup-10-nat-vs-libvirt',
            unit: 'ms',
            baseline: 'libvirt virsh net-start ×10',
            targets: [{ of: 'ratio', op: '<=', limit: 0.25 }],
          },
          ups[0]!,
          ups[1]!,
        ),
        makeResult(
          {
            name: 'teardown-10-nat-vs-libvirt',
            unit: 'ms',
            baseline: 'libvirt virsh net-destroy ×10',
            targets: [{ of: 'ratio', op: '<=', limit: 0.1 }],
          },
          downs[0]!,
          downs[1]!,
        ),
      );
    }
    results.push(
      makeResult(
        { name: 'dhcp-lease-ms', unit: 'ms', baseline: libvirtMissing === null ? "libvirt's dnsmasq" : null },
        dhcp[0]!,
        dhcp[1] ?? null,
      ),
    );
    return { results, skipped };
  },
};

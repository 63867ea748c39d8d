// Seconds for `vnet apply` of a NAT network with 1,000 port forwards, from nothing, as a
// fresh CLI process; the baseline is the same network with one forward, so the ratio is
// what the thousand forwards add.
import type { BenchCase, BenchContext, Outcome } from '../context';
import { natWithForwards } from '../configs';
import { alternate } from '../harness';
import { makeResult } from '../results';
import { hostWithUplink, UPLINK } from '../topology';
import { VnetHost } from '../vnet';
import { explainRun } from '../explain';
import { median } from '../stats';
import { PORT_FORWARD_MAP, TABLE_FAMILY, TABLE_NAME } from '../../src-main/engine/nft';

export const applyCase: BenchCase = {
  id: 'apply',
  entries: ['apply-1000-forwards'],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { host } = await hostWithUplink(ctx.cleanup, 'a');
    const vnet = VnetHost.create(ctx.cleanup, host, ctx.repoRoot);
    const one = vnet.writeConfig(natWithForwards(1, UPLINK.hostIf));
    const thousand = vnet.writeConfig(natWithForwards(1000, UPLINK.hostIf));
    const applyThenDown = async (config: string, forwards: number): Promise<number> => {
      const ms = await vnet.timedApply(config);
      await checkForwards(vnet, forwards);
      await vnet.cli(['down']);
      return ms / 1000;
    };
    ctx.log(`apply: ${ctx.settings.applyRounds} rounds of vnet apply with 1 and with 1,000 port forwards (vnet down between, not timed)`);
    const [withOne, withThousand] = await alternate(
      [
        { label: 'vnet apply, 1 forward', measure: () => applyThenDown(one, 1) },
        { label: 'vnet apply, 1,000 forwards', measure: () => applyThenDown(thousand, 1000) },
      ],
      ctx.settings.applyRounds,
      ctx.log,
    );
    if (!ctx.settings.quick) await explainApply(ctx, vnet, thousand);
    return {
      skipped: [],
      results: [
        makeResult(
          {
            name: 'apply-1000-forwards',
            unit: 's',
            baseline: 'same network with 1 forward',
            targets: [
              { of: 'value', op: '<=', limit: 0.25 },
              { of: 'ratio', op: '<=', limit: 1.3 },
            ],
          },
          withThousand!,
          withOne!,
        ),
      ],
    };
  },
};

/** The timing counts only if the kernel really holds every forward: count the elements of the app's forward map. */
async function checkForwards(vnet: VnetHost, expected: number): Promise<void> {
  const { stdout } = await vnet.ns.exec('nft', ['-j', 'list', 'map', TABLE_FAMILY, TABLE_NAME, PORT_FORWARD_MAP]);
  const parsed = JSON.parse(stdout) as { nftables: { map?: { elem?: unknown[] } }[] };
  const elements = parsed.nftables.find((x) => x.map)?.map?.elem?.length ?? 0;
  if (elements !== expected) throw new Error(`after vnet apply the port forward map holds ${elements} forwards, expected ${expected}`);
}

/** Not part of the numbers: where one apply spends its time, against a CLI process that does nothing (full runs only). */
async function explainApply(ctx: BenchContext, vnet: VnetHost, config: string): Promise<void> {
  const idle: number[] = [];
  for (let i = 0; i < 3; i++) idle.push((await vnet.stamped(['--help'])).totalMs);
  ctx.log(`apply: a fresh \`vnet --help\` (Node start-up and loading the CLI) takes ${median(idle).toFixed(0)} ms here`);
  for (const line of explainRun(
    'apply: where one apply of 1,000 forwards spends its time',
    await vnet.stamped(['apply', '--config', config]),
  ))
    ctx.log(line);
  await vnet.cli(['down']);
}

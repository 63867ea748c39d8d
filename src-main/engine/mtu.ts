// A bridge's MTU, for every network type. Set after the bridge exists (and after its
// uplink joined, on bridged networks): an MTU given to `ip link add` does not hold once
// a 1500-byte port joins, one set with `ip link set` afterwards does.
import type { PlanOperation } from '../../src-shared/api/types';
import { CommandError } from './runner';
import type { ExecContext, Journal } from './types';

/** A bridge's MTU when nobody sets one. */
export const DEFAULT_MTU = 1500;

/**
 * The op that gives a bridge the network's MTU (also repairing drift), or puts back the
 * default when the app had set one (`recorded`) and the config no longer has one.
 */
export function planMtu(
  opName: string,
  bridge: string,
  wanted: number | undefined,
  current: number | undefined,
  recorded: number | undefined,
): PlanOperation[] {
  const step = (mtu: number, description: string, reset?: boolean): PlanOperation => ({
    op: opName,
    network: bridge,
    target: bridge,
    description,
    details: reset ? { bridge, mtu, reset } : { bridge, mtu },
  });
  if (wanted !== undefined) return current === wanted ? [] : [step(wanted, `Set the MTU of ${bridge} to ${wanted}`)];
  if (recorded === undefined) return [];
  return [step(DEFAULT_MTU, `Put the MTU of ${bridge} back to ${DEFAULT_MTU} (no MTU configured)`, true)];
}

async function currentMtu(ctx: ExecContext, name: string): Promise<number | undefined> {
  const result = await ctx.runner.run(['ip', '-j', 'link', 'show', 'dev', name], { allowFailure: true });
  try {
    const mtu = (JSON.parse(result.stdout || '[]') as { mtu?: number }[])[0]?.mtu;
    return typeof mtu === 'number' ? mtu : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Carries out a planMtu op. `remember(journal, mtu)` stores the MTU the app set (undefined:
 * none) in the driver's own journal record and returns what was stored before.
 */
export async function executeSetMtu(
  op: PlanOperation,
  ctx: ExecContext,
  remember: (journal: Journal, mtu: number | undefined) => number | undefined,
): Promise<void> {
  const name = String(op.details?.bridge ?? op.network);
  const mtu = Number(op.details?.mtu);
  const before = await currentMtu(ctx, name);
  let recorded: number | undefined;
  ctx.record((j) => {
    recorded = remember(j, op.details?.reset ? undefined : mtu);
  });
  ctx.onUndo(async () => {
    if (before !== undefined) {
      const argv = ['ip', 'link', 'set', 'dev', name, 'mtu', String(before)];
      const result = await ctx.runner.run(argv, { allowFailure: true });
      // A rollback failure is reported, unless the bridge is gone already (nothing left to take back).
      if (result.code !== 0 && !/Cannot find device|does not exist/.test(result.stderr)) throw new CommandError(argv, result);
    }
    ctx.record((j) => {
      remember(j, recorded);
    });
  });
  await ctx.runner.run(['ip', 'link', 'set', 'dev', name, 'mtu', String(mtu)]);
}

// What a CLI command costs when there is little to do: `vnet apply` on a host that already
// matches the stored config, and `vnet status --json`, both with VMware's three default
// networks up, against a bare `node -e 0` (the floor of any command written for Node),
// each a fresh process inside the same namespace, alternated.
import type { BenchCase, BenchContext, Outcome } from '../context';
import { alternate } from '../harness';
import { makeResult } from '../results';
import { hostWithUplink } from '../topology';
import { VnetHost } from '../vnet';

const DEFAULT_NETWORKS = ['vmnet0', 'vmnet1', 'vmnet8'];

/** The status must show the three default networks, each up: otherwise the timing is not of the same work. */
export function checkDefaultStatus(stdout: string): void {
  const status = JSON.parse(stdout) as { name: string; up: boolean }[];
  const names = status.map((s) => s.name).sort();
  if (names.join() !== DEFAULT_NETWORKS.join())
    throw new Error(`vnet status --json shows ${names.join(', ') || 'no networks'}, expected ${DEFAULT_NETWORKS.join(', ')}`);
  const down = status.filter((s) => !s.up).map((s) => s.name);
  if (down.length > 0) throw new Error(`vnet status --json shows ${down.join(', ')} down`);
}

export const cliCase: BenchCase = {
  id: 'cli',
  entries: ['noop-apply-vs-node', 'status-vs-node'],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { host } = await hostWithUplink(ctx.cleanup, 'c');
    const vnet = VnetHost.create(ctx.cleanup, host, ctx.repoRoot);
    // With no config stored, `vnet apply` creates VMware's three defaults (vmnet0 bridged to the uplink, vmnet1, vmnet8).
    await vnet.cli(['apply']);
    checkDefaultStatus((await vnet.cli(['status', '--json'])).stdout);

    const noopApply = async (): Promise<number> => {
      const run = await vnet.timedCli(['apply']);
      if (!run.stdout.startsWith('Nothing to do')) throw new Error(`a second vnet apply did something: ${run.stdout.trim()}`);
      return run.ms;
    };
    const status = async (): Promise<number> => {
      const run = await vnet.timedCli(['status', '--json']);
      checkDefaultStatus(run.stdout);
      return run.ms;
    };
    const bareNode = async (): Promise<number> => (await vnet.ns.timedExecWithOutput(process.execPath, ['-e', '0'])).ms;

    ctx.log(`cli: ${ctx.settings.cliRounds} rounds of a no-op vnet apply, vnet status --json and node -e 0, alternated`);
    const [apply, statusJson, node] = await alternate(
      [
        { label: 'vnet apply (nothing to do)', measure: noopApply },
        { label: 'vnet status --json', measure: status },
        { label: 'node -e 0', measure: bareNode },
      ],
      ctx.settings.cliRounds,
      ctx.log,
    );
    const baseline = 'node -e 0, same namespace';
    const targets = [{ of: 'ratio' as const, op: '<=' as const, limit: 2.5 }];
    return {
      skipped: [],
      results: [
        makeResult({ name: 'noop-apply-vs-node', unit: 'ms', baseline, targets }, apply!, node!),
        makeResult({ name: 'status-vs-node', unit: 'ms', baseline, targets }, statusJson!, node!),
      ],
    };
  },
};

// What every network's doctor shares: collecting its checks, and the first check of
// all — the network's bridge exists, is a bridge, and is switched on.
import type { DoctorCheck } from '../../src-shared/api/types';
import { bridgedFrameProblems } from './bridge-filtering';
import type { HostState, LinkState } from './types';

export const APPLY_FIX = 'run `vnet apply` to repair it';

export interface CheckList {
  checks: DoctorCheck[];
  /** `ok` true passes; false is a problem (a warning with `warnOnly`); 'warning' is a warning. */
  add(check: string, ok: boolean | 'warning', detail: string, fix: string, warnOnly?: boolean): void;
}

export function checkList(network: string): CheckList {
  const checks: DoctorCheck[] = [];
  return {
    checks,
    add(check, ok, detail, fix, warnOnly = false) {
      if (ok === true) checks.push({ network, check, status: 'ok', detail });
      else checks.push({ network, check, status: ok === 'warning' || warnOnly ? 'warning' : 'problem', detail, fix });
    },
  };
}

export function addBridgeCheck(list: CheckList, name: string, link: LinkState | undefined): void {
  list.add(
    'bridge',
    !!link && link.kind === 'bridge' && link.adminUp,
    !link
      ? `bridge ${name} is missing`
      : link.kind !== 'bridge'
        ? `${name} is not a bridge`
        : link.adminUp
          ? `bridge ${name} is up`
          : `bridge ${name} is switched off`,
    APPLY_FIX,
  );
}

/** A warning for each foreign chain that can cut the network's guests off (bridge-filtering.ts). */
export function addBridgeFilteringChecks(list: CheckList, network: { name: string; type: string }, state: HostState): void {
  for (const { detail, fix } of bridgedFrameProblems(network, state)) list.add('bridge filtering', 'warning', detail, fix);
}

// IPv6 forwarding for NAT66, without the libvirt/Incus trap: switching
// net.ipv6.conf.all.forwarding on makes the kernel drop every router-advertised default
// route (and ignore later advertisements) on interfaces whose accept_ra is 1, so a host
// that learned its own IPv6 route by RA would lose it. Before switching it on, every such
// interface (and `default`, for interfaces that appear later) gets accept_ra=2, which keeps
// accepting advertisements while forwarding. Both are journaled and restored when no
// network needs forwarding any more.
import type { Network } from '../../src-shared/model';
import type { CommandRunner } from './runner';
import type { ExecContext, HostState, Journal } from './types';
import type { Step } from './core';

/** Networks that need IPv6 forwarding: NAT networks with IPv6. */
export function needsIpv6Forwarding(networks: readonly Network[]): boolean {
  return networks.some((n) => n.type === 'nat' && n.ipv6 !== undefined);
}

/** Interfaces that would lose their router-advertised routes once forwarding is on: accept_ra 1, not the app's bridges. */
export function interfacesLosingRaRoutes(state: HostState, ownBridges: ReadonlySet<string>): string[] {
  const acceptRa = state.ipv6?.acceptRa ?? {};
  return Object.keys(acceptRa)
    .filter((name) => acceptRa[name] === '1' && name !== 'lo' && !ownBridges.has(name))
    .sort();
}

async function writeSysctls(runner: CommandRunner, assignments: string[], allowFailure = false): Promise<void> {
  if (assignments.length === 0) return;
  // Slashes keep dotted interface names (eth0.5) intact.
  await runner.run(['sysctl', '-q', '-w', ...assignments], { allowFailure });
}

const acceptRaSysctl = (name: string, value: string): string => `net/ipv6/conf/${name}/accept_ra=${value}`;
const forwardingSysctl = (value: string): string => `net/ipv6/conf/all/forwarding=${value}`;

export function ipv6ForwardingSteps(networks: readonly Network[], state: HostState, ownBridges: ReadonlySet<string>): Step[] {
  const ipv6 = state.ipv6;
  if (!ipv6) return [];
  const recorded = state.journal.forwarding6;
  if (needsIpv6Forwarding(networks)) {
    const keep = interfacesLosingRaRoutes(state, ownBridges);
    const switchOn = ipv6.forwarding !== '1';
    // Forwarding the host had switched on itself is its own business; the app only adds accept_ra=2 on top of its own.
    if (!switchOn && (!recorded || keep.length === 0)) return [];
    const previous = recorded?.previous ?? ipv6.forwarding;
    return [
      {
        operation: {
          op: 'set-forwarding6',
          target: 'net.ipv6.conf.all.forwarding',
          description: switchOn
            ? `Switch on IPv6 forwarding for NAT66${keep.length > 0 ? `, keeping the router-advertised routes of ${keep.join(', ')} (accept_ra=2)` : ''}`
            : `Keep the router-advertised routes of ${keep.join(', ')} while IPv6 forwarding is on (accept_ra=2)`,
          details: { previous, acceptRa: Object.fromEntries(keep.map((name) => [name, '1'])) },
        },
        run: (ctx) => switchForwardingOn(ctx, previous, keep, switchOn),
      },
    ];
  }
  if (!recorded) return [];
  const restore = Object.entries(recorded.acceptRa).filter(([name]) => ipv6.acceptRa[name] === '2');
  return [
    {
      operation: {
        op: 'restore-forwarding6',
        target: 'net.ipv6.conf.all.forwarding',
        description: `Restore IPv6 forwarding to its previous value (${recorded.previous})${restore.length > 0 ? ` and accept_ra of ${restore.map(([n]) => n).join(', ')}` : ''}`,
        details: { value: recorded.previous, acceptRa: Object.fromEntries(restore) },
      },
      run: (ctx) => restoreForwarding(ctx, recorded, restore, ipv6.forwarding),
    },
  ];
}

async function switchForwardingOn(ctx: ExecContext, previous: string, keep: string[], switchOn: boolean): Promise<void> {
  let before: Journal['forwarding6'];
  ctx.record((j) => {
    before = j.forwarding6 ? structuredClone(j.forwarding6) : undefined;
    j.forwarding6 = { previous, acceptRa: { ...(j.forwarding6?.acceptRa ?? {}), ...Object.fromEntries(keep.map((n) => [n, '1'])) } };
  });
  ctx.onUndo(async () => {
    if (switchOn) await writeSysctls(ctx.runner, [forwardingSysctl(previous)], true);
    await writeSysctls(
      ctx.runner,
      keep.map((n) => acceptRaSysctl(n, '1')),
      true,
    );
    ctx.record((j) => {
      j.forwarding6 = before;
    });
  });
  // accept_ra first: the kernel purges RA routes the moment forwarding goes on.
  await writeSysctls(
    ctx.runner,
    keep.map((n) => acceptRaSysctl(n, '2')),
  );
  if (switchOn) await writeSysctls(ctx.runner, [forwardingSysctl('1')]);
}

async function restoreForwarding(
  ctx: ExecContext,
  recorded: NonNullable<Journal['forwarding6']>,
  restore: [string, string][],
  current: string,
): Promise<void> {
  ctx.onUndo(async () => {
    await writeSysctls(
      ctx.runner,
      restore.map(([n]) => acceptRaSysctl(n, '2')),
      true,
    );
    await writeSysctls(ctx.runner, [forwardingSysctl(current)], true);
    ctx.record((j) => {
      j.forwarding6 = recorded;
    });
  });
  if (current !== recorded.previous) await writeSysctls(ctx.runner, [forwardingSysctl(recorded.previous)]);
  // An interface that went away (or whose value someone changed since) is left as it is.
  await writeSysctls(
    ctx.runner,
    restore.map(([n, v]) => acceptRaSysctl(n, v)),
    true,
  );
  ctx.record((j) => {
    delete j.forwarding6;
  });
}

// Deleting several of the app's bridges in one go. Each deletion makes the kernel wait for RCU
// grace periods as it unregisters the device, and it waits as long whether the bridges go one
// by one or in one `ip -batch` (ten bridges: 382–430 ms either way, kernel 6.18); the links of
// one `ip link del group N` are unregistered as one batch (unregister_netdevice_many), sharing
// those waits (the same ten: 182–204 ms). What is left is one rcu_barrier() per bridge, which
// the bridge's multicast teardown (br_multicast_dev_del) always makes: 167 of the 172 ms of ten
// bridges, seen in perf's sched_switch stacks (kernel 6.18), with no setting that avoids it.
// So the plan moves the bridges it deletes into a group of their own and deletes the group, in
// one `ip -batch -`. A group delete takes EVERY link of the group, so it is used only when the
// inspection saw no other link there (canDeleteTogether); otherwise the bridges are deleted one
// by one, as before.
import type { CommandRunner } from './runner';
import { IpBatch } from './ip-batch';
import type { LinkState } from './types';

/**
 * The group the bridges are moved into just before they are deleted: 0x766e6574, "vnet" in
 * ASCII. A group is any 32-bit number (0 is `default`) that nothing assigns; one this large
 * is not what a person or a tool numbering its own groups from 1 picks, and a bridge only sits
 * in it for the moment its deletion takes (or after a kill in that moment: see canDeleteTogether).
 */
export const DELETE_GROUP = 0x766e6574;

/**
 * True when deleting group DELETE_GROUP would take exactly `names` (at least two, or there is
 * nothing to share): no other link is in it. A link whose group `ip` prints by a name other than
 * `default` (a name from /etc/iproute2/group could stand for this number), or does not print,
 * counts as in it. The bridges themselves may be there already (a `down` killed before it
 * deleted the group). The plan holds the app's lock; only another program moving a link into
 * this group between the inspection and the deletion could get it deleted.
 */
export function canDeleteTogether(names: readonly string[], links: ReadonlyMap<string, LinkState>): boolean {
  const ours = new Set(names);
  if (ours.size < 2 || [...ours].some((name) => !links.has(name))) return false;
  for (const link of links.values()) {
    if (ours.has(link.name) || link.group === 'default') continue;
    if (link.group === undefined || !/^\d+$/.test(link.group) || Number(link.group) === DELETE_GROUP) return false;
  }
  return true;
}

/**
 * The plan's links to delete together, as their steps hand them over: the deletion starts when
 * the last one is handed over (or when an `ip` command has to see them gone first), and what
 * waits for a link to be gone runs once it is.
 */
export class GroupDeletion {
  private readonly planned: Set<string>;
  private readonly handed = new Map<string, { step: number; then: (() => void)[] }>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly runner: CommandRunner,
    planned: readonly string[],
  ) {
    this.planned = new Set(planned);
  }

  /** True when `name` is deleted together with the others, later; false when the step deletes it itself. */
  handOver(name: string, step: number): boolean {
    if (this.running || !this.planned.has(name) || this.handed.has(name)) return false;
    this.handed.set(name, { step, then: [] });
    return true;
  }

  /** Every planned link is handed over and the deletion has not started. */
  get ready(): boolean {
    return this.running === undefined && this.handed.size > 0 && this.handed.size === this.planned.size;
  }

  /** The deletion under way (or finished), to wait for. */
  get underway(): Promise<void> | undefined {
    return this.running;
  }

  /** Runs `then` once link `name` is deleted, or at once when its deletion is not pending here. */
  whenGone(name: string, then: () => void): void {
    const entry = this.handed.get(name);
    if (entry) entry.then.push(then);
    else then();
  }

  /**
   * Starts deleting what was handed over, when that is not under way yet: each link moved into
   * the group, then the group, in one `ip -batch -`. A failing line is its step's (IpLineError),
   * and ip stops there, so the lines after it did not run. Returns the deletion it started.
   */
  start(): Promise<void> | undefined {
    if (this.running !== undefined || this.handed.size === 0) return undefined;
    const batch = new IpBatch(this.runner);
    const entries = [...this.handed];
    for (const [name, { step }] of entries) batch.queue(['link', 'set', 'dev', name, 'group', String(DELETE_GROUP)], step);
    batch.queue(['link', 'del', 'group', String(DELETE_GROUP)], entries[0]![1].step);
    this.running = batch.flush().then(() => {
      for (const [, { then }] of entries) for (const fn of then) fn();
      this.handed.clear();
    });
    return this.running;
  }

  /** A rollback: forgets what was handed over and not started (never deleted), and stops waiting for what was. */
  discard(): void {
    this.handed.clear();
    this.running = undefined;
  }
}

// Pushes: polling only while someone listens, status only on change, current state for
// newcomers, trial countdown and how it ended, refresh after a change.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventHub, type EventHub } from '../../../src-main/service/events';
import type { PrivilegedBackend } from '../../../src-main/service/backend';
import type { NetworkStatus, TrialState } from '../../../src-shared/api/types';
import type { ResponseOf } from '../../../src-shared/ipc/contract';

const network = (name: string, up: boolean): NetworkStatus => ({
  name,
  type: 'hostonly',
  up,
  bridge: { exists: up, up, ports: [] },
  addresses: [],
  leases: 0,
  problems: [],
});

function fakeBackend() {
  const state = {
    statusCalls: 0,
    status: [network('vmnet1', false)],
    trial: null as TrialState | null,
    ended: undefined as ResponseOf<'getTrial'>['ended'],
    background: [] as boolean[],
  };
  const backend: PrivilegedBackend = {
    async call(channel, _request, context) {
      state.background.push(context?.background === true);
      if (channel === 'status') {
        state.statusCalls += 1;
        return state.status as never;
      }
      if (channel === 'getTrial') return (state.ended ? { trial: state.trial, ended: state.ended } : { trial: state.trial }) as never;
      return [] as never;
    },
    privilege: () => 'root',
    close() {},
  };
  return { backend, state };
}

// The hub's clock is the test's (fake timers and Date): polls happen exactly when time is advanced.
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const slow = { status: 10_000, leases: 10_000, adapterRates: 10_000, trial: 10_000 };

describe('event hub', () => {
  let hub: EventHub | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    hub?.close();
    vi.useRealTimers();
  });

  it('polls only while someone listens, in the background, and emits status only when it changes', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, { status: 20, leases: 1000, adapterRates: 1000, trial: 1000 });
    await advance(60);
    expect(state.statusCalls).toBe(0);
    const got: unknown[] = [];
    const off = hub.subscribe((event, payload) => event === 'status' && got.push(payload));
    await advance(100);
    // One poll at once, then one every 20 ms.
    expect(state.statusCalls).toBe(6);
    expect(got).toEqual([[network('vmnet1', false)]]);
    state.status = [network('vmnet1', true)];
    await advance(60);
    expect(got).toEqual([[network('vmnet1', false)], [network('vmnet1', true)]]);
    expect(state.background.every(Boolean)).toBe(true);
    off();
    const calls = state.statusCalls;
    await advance(60);
    expect(state.statusCalls).toBe(calls);
  });

  it('gives a newcomer the current status at once, and polls again on refresh', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, slow);
    hub.subscribe(() => undefined);
    await advance(20);
    const late: unknown[] = [];
    hub.subscribe((event, payload) => event === 'status' && late.push(payload));
    expect(late).toEqual([[network('vmnet1', false)]]);
    state.status = [network('vmnet1', true)];
    hub.refresh();
    await advance(20);
    expect(late).toHaveLength(2);
  });

  it('counts a trial down and says how it ended', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, { ...slow, trial: 20 });
    const trial: { trial: TrialState | null; remainingSeconds: number; outcome?: string }[] = [];
    hub.subscribe((event, payload) => event === 'trial' && trial.push(payload as (typeof trial)[number]));
    state.trial = { deadline: Date.now() + 30_000, seconds: 30 };
    await advance(60);
    expect(trial.at(-1)).toMatchObject({ trial: { seconds: 30 }, remainingSeconds: 30 });
    hub.trialEnded('confirmed');
    state.trial = null;
    await advance(60);
    expect(trial.at(-1)).toEqual({ trial: null, remainingSeconds: 0, outcome: 'confirmed' });
    // A trial whose deadline passed without this process ending it was reverted by the watchdog.
    state.trial = { deadline: Date.now() + 30, seconds: 5 };
    await advance(60);
    state.trial = null;
    // A host that records no outcome: a few polls' grace, then the clock decides.
    await advance(200);
    expect(trial.at(-1)).toEqual({ trial: null, remainingSeconds: 0, outcome: 'reverted' });
  });

  it('a Revert made elsewhere before the deadline is announced as reverting, then reverted — never as kept', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, { ...slow, trial: 20 });
    const trial: { trial: TrialState | null; remainingSeconds: number; outcome?: string; error?: string }[] = [];
    hub.subscribe((event, payload) => event === 'trial' && trial.push(payload as (typeof trial)[number]));
    const deadline = Date.now() + 30_000;
    // An outcome left over from an earlier trial must not be taken for this one.
    state.ended = { outcome: 'confirmed', deadline: deadline - 99_000, at: Date.now() - 99_000 };
    state.trial = { deadline, seconds: 30 };
    await advance(60);
    // The revert claimed the record (trial.reverting.json) and is still running.
    state.trial = null;
    state.ended = { outcome: 'reverting', deadline, at: Date.now() };
    await advance(200);
    const ends = trial.filter((t) => t.trial === null);
    expect(ends).toEqual([{ trial: null, remainingSeconds: 0, outcome: 'reverting' }]);
    state.ended = { outcome: 'reverted', deadline, at: Date.now() };
    await advance(60);
    expect(trial.filter((t) => t.trial === null).map((t) => t.outcome)).toEqual(['reverting', 'reverted']);
    // Nothing more once it is over.
    await advance(60);
    expect(trial.filter((t) => t.trial === null)).toHaveLength(2);
  });

  it('a Revert right after the change is made is announced as reverted although the deadline was set again', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, { ...slow, trial: 20 });
    const trial: { trial: TrialState | null; outcome?: string }[] = [];
    hub.subscribe((event, payload) => event === 'trial' && trial.push(payload as (typeof trial)[number]));
    // The hub saw the trial while its change was still being made (provisional deadline)…
    const provisional = Date.now() + 30_000;
    state.trial = { deadline: provisional, seconds: 30 };
    await advance(60);
    // …then the change finished (deadline set again) and Revert claimed the record before the next poll.
    const deadline = provisional + 900;
    state.trial = null;
    state.ended = { outcome: 'reverting', deadline, at: Date.now() };
    await advance(60);
    state.ended = { outcome: 'reverted', deadline, at: Date.now() };
    await advance(60);
    expect(trial.filter((t) => t.trial === null).map((t) => t.outcome)).toEqual(['reverting', 'reverted']);
  });

  it('a revert that fails is announced with its reason', async () => {
    const { backend, state } = fakeBackend();
    hub = createEventHub(backend, { ...slow, trial: 20 });
    const trial: { trial: TrialState | null; outcome?: string; error?: string }[] = [];
    hub.subscribe((event, payload) => event === 'trial' && trial.push(payload as (typeof trial)[number]));
    const deadline = Date.now() + 30_000;
    state.trial = { deadline, seconds: 30 };
    await advance(60);
    state.trial = null;
    state.ended = { outcome: 'revert-failed', deadline, at: Date.now(), error: 'dnsmasq would not start' };
    await advance(60);
    expect(trial.at(-1)).toMatchObject({ trial: null, outcome: 'revert-failed', error: 'dnsmasq would not start' });
  });
});

// Pushes to the editor: live status, new leases, adapter rates, apply progress and the
// trial countdown. Polling runs only while someone listens (a window is open, a
// browser holds the event stream) and emits status and leases only when they change.
import type { EventName, EventOf, TrialOutcomeKind } from '../../src-shared/ipc/contract';
import type { PrivilegedBackend } from './backend';

export type EventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface EventHub {
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  /** Adds a listener; polling starts with the first and stops with the last. */
  subscribe(listener: EventListener): () => void;
  /** Polls status and leases now (after a change), instead of at the next tick. */
  refresh(): void;
  /** Tells the trial poller how the current trial ended, when this process ended it. */
  trialEnded(outcome: 'confirmed' | 'reverted'): void;
  close(): void;
}

export interface PollIntervals {
  status: number;
  leases: number;
  adapterRates: number;
  trial: number;
}

const BACKGROUND = { background: true } as const;

/** Trial polls to wait for the host's recorded outcome before guessing it (hosts that record none). */
const OUTCOME_GRACE_TICKS = 3;

export const DEFAULT_INTERVALS: PollIntervals = { status: 3000, leases: 5000, adapterRates: 2000, trial: 1000 };

export function createEventHub(backend: PrivilegedBackend, intervals: PollIntervals = DEFAULT_INTERVALS): EventHub {
  const listeners = new Set<EventListener>();
  const timers: NodeJS.Timeout[] = [];
  const last = new Map<EventName, string>();
  let activeTrial: { deadline: number } | undefined;
  // When this hub first saw the trial it counts down: an outcome recorded after that is its
  // outcome even if the deadline moved (a trial's deadline is set again once its change is made).
  let activeSince = 0;
  let endedBy: 'confirmed' | 'reverted' | undefined;
  /** The outcome already pushed for the active trial (`reverting` is pushed once, then the final one). */
  let announced: TrialOutcomeKind | undefined;
  let silentTicks = 0;
  let closed = false;

  const emit: EventHub['emit'] = (event, payload) => {
    for (const listener of [...listeners]) {
      try {
        listener(event, payload);
      } catch {
        // A broken listener (closed window, dropped stream) must not stop the others.
      }
    }
  };

  const emitIfChanged = <E extends EventName>(event: E, payload: EventOf<E>) => {
    const text = JSON.stringify(payload);
    if (last.get(event) === text) return;
    last.set(event, text);
    emit(event, payload);
  };

  // One poll at a time per kind: a slow helper must not pile up requests.
  const refreshers: (() => void)[] = [];
  const every = (ms: number, poll: () => Promise<void>, refreshable = false) => {
    let busy = false;
    const tick = () => {
      if (busy || closed) return;
      busy = true;
      poll()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    };
    tick();
    timers.push(setInterval(tick, ms));
    if (refreshable) refreshers.push(tick);
  };

  const start = () => {
    every(intervals.status, async () => emitIfChanged('status', await backend.call('status', {}, BACKGROUND)), true);
    every(intervals.leases, async () => emitIfChanged('leases', await backend.call('leases', {}, BACKGROUND)), true);
    every(intervals.adapterRates, async () => emit('adapterRates', await backend.call('adapterRates', {}, BACKGROUND)));
    every(intervals.trial, async () => {
      const { trial, ended } = await backend.call('getTrial', {}, BACKGROUND);
      if (trial) {
        if (!activeTrial) activeSince = Date.now();
        activeTrial = trial;
        announced = undefined;
        emit('trial', { trial, remainingSeconds: Math.max(0, Math.ceil((trial.deadline - Date.now()) / 1000)) });
        return;
      }
      if (!activeTrial) return;
      // The host records how the trial ended; only an outcome for the trial we counted down counts.
      const recorded = ended && (ended.deadline === activeTrial.deadline || ended.at >= activeSince) ? ended : undefined;
      let outcome = recorded?.outcome;
      if (!outcome) {
        // A host that records no outcome: what this process did, else guess from the clock.
        // A record that vanished early is not proof of "kept" (a Revert elsewhere also removes
        // it), so wait a few ticks for an outcome before guessing.
        if (!endedBy && !ended && ++silentTicks < OUTCOME_GRACE_TICKS) return;
        outcome = endedBy ?? (Date.now() >= activeTrial.deadline ? 'reverted' : 'confirmed');
      }
      if (outcome === 'reverting') {
        if (announced !== 'reverting') emit('trial', { trial: null, remainingSeconds: 0, outcome });
        announced = 'reverting';
        return;
      }
      activeTrial = undefined;
      endedBy = undefined;
      announced = undefined;
      silentTicks = 0;
      emit('trial', { trial: null, remainingSeconds: 0, outcome, ...(recorded?.error ? { error: recorded.error } : {}) });
    });
  };

  const stop = () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    refreshers.splice(0);
  };

  return {
    emit,
    subscribe(listener) {
      listeners.add(listener);
      // A newcomer (a second window, a reloaded page) gets the current state at once
      // instead of waiting for the next change.
      for (const event of ['status', 'leases'] as const) {
        const text = last.get(event);
        if (text !== undefined) {
          try {
            listener(event, JSON.parse(text) as EventOf<typeof event>);
          } catch {
            // see emit
          }
        }
      }
      if (listeners.size === 1 && !closed) start();
      return () => {
        if (!listeners.delete(listener)) return;
        if (listeners.size === 0) stop();
      };
    },
    refresh() {
      for (const tick of refreshers) tick();
    },
    trialEnded(outcome) {
      endedBy = outcome;
    },
    close() {
      closed = true;
      stop();
      listeners.clear();
    },
  };
}

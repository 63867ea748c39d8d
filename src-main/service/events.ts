// Pushes to the editor: live status, new leases, adapter rates, apply progress and the
// trial countdown. Polling runs only while someone listens (a window is open, a
// browser holds the event stream) and emits status and leases only when they change.
import type { EventName, EventOf } from '../../src-shared/ipc/contract';
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

export const DEFAULT_INTERVALS: PollIntervals = { status: 3000, leases: 5000, adapterRates: 2000, trial: 1000 };

export function createEventHub(backend: PrivilegedBackend, intervals: PollIntervals = DEFAULT_INTERVALS): EventHub {
  const listeners = new Set<EventListener>();
  const timers: NodeJS.Timeout[] = [];
  const last = new Map<EventName, string>();
  let activeTrial: { deadline: number } | undefined;
  let endedBy: 'confirmed' | 'reverted' | undefined;
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
      const { trial } = await backend.call('getTrial', {}, BACKGROUND);
      if (trial) {
        activeTrial = trial;
        emit('trial', { trial, remainingSeconds: Math.max(0, Math.ceil((trial.deadline - Date.now()) / 1000)) });
      } else if (activeTrial) {
        const outcome = endedBy ?? (Date.now() >= activeTrial.deadline ? 'reverted' : 'confirmed');
        activeTrial = undefined;
        endedBy = undefined;
        emit('trial', { trial: null, remainingSeconds: 0, outcome });
      }
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

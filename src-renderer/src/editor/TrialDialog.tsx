// The countdown after a risky change: keep it, or let the host put things back.
// The host's watchdog reverts even if this window is gone; the countdown only shows it.
// When it runs out (or Revert is pressed) the dialog says "Reverting…" until the host
// reports the revert finished, so the editor never shows settings the host no longer has.
import { useEffect, useRef, useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import type { TrialState } from '../../../src-shared/api/types';
import type { ResponseOf, TrialOutcomeKind } from '../../../src-shared/ipc/contract';
import { useHost } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';

interface Props {
  trial: TrialState;
  /** Called once the trial is over: kept (true), reverted (false), or ended elsewhere / unknown (undefined). */
  onDone: (kept: boolean | undefined) => void;
}

/** How often the dialog asks the host while waiting for a revert to finish (events may be late or lost). */
export const REVERT_POLL_MS = 1000;

export function remainingSeconds(trial: TrialState, now: number): number {
  return Math.max(0, Math.ceil((trial.deadline - now) / 1000));
}

type Phase = 'counting' | 'reverting' | 'failed';

export function TrialDialog({ trial, onDone }: Props) {
  const host = useHost();
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [phase, setPhase] = useState<Phase>('counting');
  const acting = useRef(false);
  const openedAt = useRef(Date.now());
  const done = useRef(false);
  const [error, setError] = useState<unknown>(undefined);
  const remaining = remainingSeconds(trial, now);

  const finish = (kept: boolean | undefined) => {
    if (done.current) return;
    done.current = true;
    onDone(kept);
  };

  // What the host says about how the trial ended; `error` comes with revert-failed.
  const outcome = (kind: TrialOutcomeKind, reason?: string) => {
    if (kind === 'confirmed') finish(true);
    else if (kind === 'reverted') finish(false);
    else if (kind === 'reverting') setPhase((p) => (p === 'failed' ? p : 'reverting'));
    else {
      setPhase('failed');
      setError(`Putting the previous settings back failed${reason ? `: ${reason}` : ''}. Run \`vnet doctor\` on the host.`);
    }
  };

  // Subscribed once per host: re-subscribing on every tick would reopen the web console's event stream.
  const outcomeRef = useRef(outcome);
  outcomeRef.current = outcome;
  const finishRef = useRef(finish);
  finishRef.current = finish;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    const off = host.on('trial', (event) => {
      // The trial ended, here or elsewhere (`vnet confirm`, another window, the watchdog).
      if (event.outcome) outcomeRef.current(event.outcome, event.error);
      else if (event.trial === null && !acting.current) finishRef.current(undefined);
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, [host]);

  // The countdown ran out: the host's watchdog reverts now; wait for it.
  useEffect(() => {
    if (remaining === 0 && !acting.current && phase === 'counting') setPhase('reverting');
  });

  // While reverting, ask the host too: a pushed event can be missed (a reconnecting stream).
  useEffect(() => {
    if (phase !== 'reverting') return;
    let alive = true;
    const check = (status: ResponseOf<'getTrial'>) => {
      if (!alive || status.trial) return; // the watchdog has not started yet
      const ended = status.ended;
      // Matched by deadline, or by time: an outcome recorded after this dialog opened is this trial's.
      if (ended && (ended.deadline === trial.deadline || ended.at >= openedAt.current)) outcomeRef.current(ended.outcome, ended.error);
      // A host that records no outcome: nothing pending is all it can tell.
      else if (!ended && !acting.current) finishRef.current(undefined);
    };
    const poll = () => void host.trialStatus().then(check, () => undefined);
    const timer = setInterval(poll, REVERT_POLL_MS);
    poll();
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [host, phase, trial.deadline]);

  const act = async (keep: boolean) => {
    setBusy(true);
    acting.current = true;
    if (!keep) setPhase('reverting');
    try {
      if (keep) await host.confirm();
      else await host.revert();
      // Revert answers once the host is put back.
      finish(keep);
    } catch (e) {
      setError(e);
      acting.current = false;
      setBusy(false);
      setPhase('counting');
    }
  };

  return (
    <Dialog open maxWidth="xs" fullWidth aria-labelledby="trial-title" aria-describedby="trial-text">
      <DialogTitle id="trial-title">Keep these network changes?</DialogTitle>
      <DialogContent>
        {phase === 'counting' ? (
          <>
            <DialogContentText id="trial-text">
              If this computer can still reach the network, keep the changes. Otherwise they are undone by themselves in{' '}
              <strong>{remaining}</strong> seconds.
            </DialogContentText>
            <LinearProgress
              variant="determinate"
              value={Math.min(100, (remaining / trial.seconds) * 100)}
              aria-label="Time left before the changes are undone"
              sx={{ mt: 2 }}
            />
          </>
        ) : (
          <>
            <DialogContentText id="trial-text" role="status">
              {phase === 'reverting' ? 'Reverting… the host is putting the previous settings back.' : 'The changes could not be undone.'}
            </DialogContentText>
            {phase === 'reverting' && <LinearProgress aria-label="Putting the previous settings back" sx={{ mt: 2 }} />}
          </>
        )}
        <HostErrorAlert error={error} />
      </DialogContent>
      <DialogActions>
        {phase === 'failed' ? (
          <Button variant="contained" onClick={() => finish(undefined)}>
            Close
          </Button>
        ) : (
          <>
            <Button variant="contained" autoFocus disabled={busy || phase !== 'counting'} onClick={() => void act(true)}>
              Keep changes
            </Button>
            <Button disabled={busy || phase !== 'counting'} onClick={() => void act(false)}>
              Revert
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

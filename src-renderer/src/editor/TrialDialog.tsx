// The countdown after a risky change: keep it, or let the host put things back.
// The host's watchdog reverts even if this window is gone; the countdown only shows it.
import { useEffect, useRef, useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import type { TrialState } from '../../../src-shared/api/types';
import { useHost } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';

interface Props {
  trial: TrialState;
  /** Called once the trial is over: kept (true), reverted (false), or ended elsewhere (undefined). */
  onDone: (kept: boolean | undefined) => void;
}

export function remainingSeconds(trial: TrialState, now: number): number {
  return Math.max(0, Math.ceil((trial.deadline - now) / 1000));
}

export function TrialDialog({ trial, onDone }: Props) {
  const host = useHost();
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const acting = useRef(false);
  const done = useRef(false);
  const [error, setError] = useState<unknown>(undefined);
  const remaining = remainingSeconds(trial, now);

  const finish = (kept: boolean | undefined) => {
    if (done.current) return;
    done.current = true;
    onDone(kept);
  };

  // Subscribed once per host: re-subscribing on every tick would reopen the web console's event stream.
  const finishRef = useRef(finish);
  finishRef.current = finish;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    const off = host.on('trial', (event) => {
      // The trial ended, here or elsewhere (`vnet confirm`, another window, the watchdog).
      if (event.outcome) finishRef.current(event.outcome === 'confirmed');
      else if (event.trial === null && !acting.current) finishRef.current(undefined);
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, [host]);

  useEffect(() => {
    if (remaining === 0 && !acting.current) finish(false);
  });

  const act = async (keep: boolean) => {
    setBusy(true);
    acting.current = true;
    try {
      if (keep) await host.confirm();
      else await host.revert();
      finish(keep);
    } catch (e) {
      setError(e);
      acting.current = false;
      setBusy(false);
    }
  };

  return (
    <Dialog open maxWidth="xs" fullWidth aria-labelledby="trial-title" aria-describedby="trial-text">
      <DialogTitle id="trial-title">Keep these network changes?</DialogTitle>
      <DialogContent>
        <DialogContentText id="trial-text">
          If this computer can still reach the network, keep the changes. Otherwise they are undone by themselves in{' '}
          <strong>{remaining}</strong> seconds.
        </DialogContentText>
        <LinearProgress
          variant="determinate"
          value={(remaining / trial.seconds) * 100}
          aria-label="Time left before the changes are undone"
          sx={{ mt: 2 }}
        />
        <HostErrorAlert error={error} />
      </DialogContent>
      <DialogActions>
        <Button variant="contained" autoFocus disabled={busy} onClick={() => void act(true)}>
          Keep changes
        </Button>
        <Button disabled={busy} onClick={() => void act(false)}>
          Revert
        </Button>
      </DialogActions>
    </Dialog>
  );
}

// Apply: first the plan in words, then each step as the host reports it. A plan
// the engine marks risky runs as a trial that reverts by itself unless kept.
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutlineOutlined';
import ErrorOutline from '@mui/icons-material/ErrorOutlineOutlined';
import HourglassEmpty from '@mui/icons-material/HourglassEmpty';
import Undo from '@mui/icons-material/Undo';
import WarningAmber from '@mui/icons-material/WarningAmber';
import type { Config } from '../../../src-shared/model';
import type { ApplyProgress, ApplyResult, PlanResult } from '../../../src-shared/api/types';
import { useHost } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';

/** How long a risky change stays a trial before the host reverts it by itself. */
export const TRIAL_SECONDS = 30;

type Phase =
  | { name: 'planning' }
  | { name: 'review'; plan: PlanResult }
  | { name: 'applying'; plan: PlanResult }
  | { name: 'failed'; plan?: PlanResult; error: unknown };

interface Props {
  config: Config;
  onApplied: (result: ApplyResult) => void;
  onClose: () => void;
}

/** Step list with each step's latest phase (a step can run, then roll back). */
export function progressByStep(events: readonly ApplyProgress[]): ApplyProgress[] {
  const steps = new Map<number, ApplyProgress>();
  for (const event of events) steps.set(event.step, event);
  return [...steps.values()].sort((a, b) => a.step - b.step);
}

const PHASE_ICON = {
  running: <HourglassEmpty fontSize="small" />,
  done: <CheckCircleOutline fontSize="small" color="success" />,
  failed: <ErrorOutline fontSize="small" color="error" />,
  'rolling-back': <Undo fontSize="small" color="warning" />,
  'rolled-back': <Undo fontSize="small" />,
};

const PHASE_WORDS = { running: 'running', done: 'done', failed: 'failed', 'rolling-back': 'undoing', 'rolled-back': 'undone' };

export function ApplyDialog({ config, onApplied, onClose }: Props) {
  const host = useHost();
  const [phase, setPhase] = useState<Phase>({ name: 'planning' });
  const [progress, setProgress] = useState<ApplyProgress[]>([]);

  useEffect(() => {
    let alive = true;
    host.plan(config).then(
      (plan) => alive && setPhase({ name: 'review', plan }),
      (error: unknown) => alive && setPhase({ name: 'failed', error }),
    );
    return () => {
      alive = false;
    };
  }, [host, config]);

  const apply = async (plan: PlanResult) => {
    setPhase({ name: 'applying', plan });
    setProgress([]);
    const off = host.on('applyProgress', (event) => setProgress((prev) => [...prev, event]));
    try {
      const result = await host.apply(config, plan.risky ? { trySeconds: TRIAL_SECONDS } : {});
      if (result.ok) onApplied(result);
      else setPhase({ name: 'failed', plan, error: new Error(result.error ?? 'Apply failed; the host was rolled back.') });
    } catch (error) {
      setPhase({ name: 'failed', plan, error });
    } finally {
      off();
    }
  };

  const plan = phase.name === 'planning' ? undefined : phase.plan;
  const steps = progressByStep(progress);
  const busy = phase.name === 'planning' || phase.name === 'applying';

  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth aria-labelledby="apply-title">
      <DialogTitle id="apply-title">Apply changes</DialogTitle>
      <DialogContent>
        {busy && <LinearProgress aria-label={phase.name === 'planning' ? 'Working out what will change' : 'Applying'} sx={{ mb: 2 }} />}
        {phase.name === 'failed' && <HostErrorAlert title="The changes were not applied" error={phase.error} />}
        {plan && phase.name !== 'applying' && (
          <>
            {plan.risky && (
              <Alert severity="warning" sx={{ my: 1 }}>
                Some steps can cut this computer off the network. The change runs as a {TRIAL_SECONDS}-second trial: unless you choose Keep
                changes, it is undone by itself.
              </Alert>
            )}
            {plan.warnings.map((warning) => (
              <Alert key={warning} severity="info" sx={{ my: 1 }}>
                {warning}
              </Alert>
            ))}
            <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>
              {plan.operations.length === 0
                ? 'The host already matches these settings; only the stored settings are saved.'
                : 'What will change:'}
            </Typography>
            <List dense aria-label="Planned changes">
              {plan.operations.map((op, i) => (
                <ListItem key={i} disableGutters>
                  <ListItemIcon sx={{ minWidth: 32 }}>{op.risky ? <WarningAmber fontSize="small" color="warning" /> : i + 1}</ListItemIcon>
                  <ListItemText primary={op.description} secondary={op.network} />
                </ListItem>
              ))}
            </List>
          </>
        )}
        {(phase.name === 'applying' || (phase.name === 'failed' && steps.length > 0)) && (
          <List dense aria-label="Progress">
            {steps.map((step) => (
              <ListItem key={step.step} disableGutters>
                <ListItemIcon sx={{ minWidth: 32 }}>{PHASE_ICON[step.phase]}</ListItemIcon>
                <ListItemText primary={`${step.step}/${step.total} ${step.description}`} secondary={PHASE_WORDS[step.phase]} />
              </ListItem>
            ))}
          </List>
        )}
      </DialogContent>
      <DialogActions>
        {phase.name === 'review' && (
          <Button variant="contained" autoFocus onClick={() => void apply(phase.plan)}>
            {phase.plan.risky ? 'Apply as trial' : 'Apply changes'}
          </Button>
        )}
        <Button onClick={onClose} disabled={busy}>
          {phase.name === 'failed' ? 'Close' : 'Cancel'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { describeHostError } from '../state/words';

/** A host error in plain words, with what to do about it. */
export function HostErrorAlert({ error, title, onClose }: { error: unknown; title?: string; onClose?: () => void }) {
  if (error === undefined || error === null) return null;
  const problem = describeHostError(error);
  return (
    <Alert severity="error" onClose={onClose} role="alert">
      {title && <AlertTitle>{title}</AlertTitle>}
      {problem.message}
      <br />
      <strong>What to do:</strong> {problem.advice}
    </Alert>
  );
}

import { Alert } from '../plain/parts';
import { describeHostError } from '../state/words';

/** A host error in plain words, with what to do about it. */
export function HostErrorAlert({ error, title, onClose }: { error: unknown; title?: string; onClose?: () => void }) {
  if (error === undefined || error === null) return null;
  const problem = describeHostError(error);
  return (
    <Alert title={title} onClose={onClose}>
      {problem.message}
      <br />
      <strong>What to do:</strong> {problem.advice}
    </Alert>
  );
}

// Errors a dialog cannot show next to one of its own fields (e.g. a clash with another
// network), listed as the CLI prints them.
import Alert from '@mui/material/Alert';
import { formatPath, type ValidationError } from '../../../src-shared/model';

export function OtherErrors({ errors }: { errors: readonly ValidationError[] }) {
  if (errors.length === 0) return null;
  return (
    <Alert severity="error">
      {errors.map((e) => (
        <div key={formatPath(e.path) + e.message}>
          {formatPath(e.path)}: {e.message}
        </div>
      ))}
    </Alert>
  );
}

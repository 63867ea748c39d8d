// Why an imported settings file was refused: one line per problem, nothing changed.
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { formatPath, type ValidationError } from '../../../src-shared/model';

export function ImportErrorsDialog({ fileName, errors, onClose }: { fileName: string; errors: ValidationError[]; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} aria-labelledby="import-errors-title">
      <DialogTitle id="import-errors-title">Cannot import {fileName}</DialogTitle>
      <DialogContent>
        <Typography gutterBottom>The file is not a valid settings file. Nothing was changed.</Typography>
        {errors.map((e) => (
          <Typography key={formatPath(e.path) + e.message} variant="body2" sx={{ fontFamily: 'monospace' }}>
            {formatPath(e.path)}: {e.message}
          </Typography>
        ))}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

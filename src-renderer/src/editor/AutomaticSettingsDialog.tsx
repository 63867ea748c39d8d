// VMware's "Automatic Bridging Settings": which host adapters "Automatic" may pick.
// Unchecked adapters are stored as `bridge.exclude`.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import type { Adapter } from '../../../src-shared/api/types';
import { uplinkCandidates } from '../state/uplinks';

interface Props {
  exclude: string[];
  adapters: Adapter[];
  onOk: (exclude: string[]) => void;
  onCancel: () => void;
}

export function AutomaticSettingsDialog({ exclude, adapters, onOk, onCancel }: Props) {
  const [excluded, setExcluded] = useState(new Set(exclude));
  const candidates = uplinkCandidates(adapters);
  // Exclusions naming adapters that are not present now stay listed, so they are not dropped silently.
  const names = [...new Set([...candidates.map((a) => a.name), ...exclude])];
  const toggle = (name: string, allowed: boolean) => {
    const next = new Set(excluded);
    if (allowed) next.delete(name);
    else next.add(name);
    setExcluded(next);
  };
  return (
    <Dialog open onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="automatic-settings-title">
      <DialogTitle id="automatic-settings-title">Automatic Bridging Settings</DialogTitle>
      <DialogContent>
        <DialogContentText>Automatically choose an adapter from the checked adapters below:</DialogContentText>
        <FormGroup>
          {names.length === 0 && <DialogContentText>No wired adapters found on this host.</DialogContentText>}
          {names.map((name) => {
            const adapter = adapters.find((a) => a.name === name);
            const wireless = adapter?.kind === 'wireless';
            return (
              <FormControlLabel
                key={name}
                control={<Checkbox checked={!excluded.has(name)} onChange={(event) => toggle(name, event.target.checked)} />}
                label={`${name}${wireless ? ' (wireless: cannot be bridged)' : ''}${adapter ? '' : ' (not present)'}`}
              />
            );
          })}
        </FormGroup>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={() => onOk([...excluded].sort())}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
    </Dialog>
  );
}

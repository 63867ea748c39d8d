// "Add Network…" and "Rename Network…": a name (and for a new network its type),
// checked by the shared model against the rest of the draft.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import { formatPath, nextNetworkName, type Config, type NetworkType, type ValidationError } from '../../../src-shared/model';
import { Field } from '../components/Field';
import { addNetwork, renameNetwork } from '../state/draft';
import { fieldError, validateDraft } from '../state/validation';

interface AddProps {
  config: Config;
  onOk: (config: Config, index: number) => void;
  onCancel: () => void;
}

export function AddNetworkDialog({ config, onOk, onCancel }: AddProps) {
  const [name, setName] = useState(nextNetworkName(config));
  const [type, setType] = useState<NetworkType>('hostonly');
  const next = addNetwork(config, type, name);
  const index = config.networks.length;
  const problem = fieldError(validateDraft(next), ['networks', index, 'name']);
  return (
    <Dialog open onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="add-network-title">
      <DialogTitle id="add-network-title">Add a Virtual Network</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Field label="Network name" autoFocus value={name} onValue={setName} problem={problem} hint="Also the bridge's interface name" />
          <Field
            label="Network type"
            select
            slotProps={{ select: { native: true } }}
            value={type}
            onValue={(value) => setType(value as NetworkType)}
          >
            <option value="hostonly">Host-only</option>
            <option value="nat">NAT</option>
            <option value="bridged">Bridged</option>
          </Field>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" disabled={problem !== undefined} onClick={() => onOk(next, index)}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * A duplicate name is reported on the later of the two networks, which may be
 * the other one; the rename field shows it all the same.
 */
function newNameClash(before: Config, after: Config): string | undefined {
  const key = (e: ValidationError) => `${formatPath(e.path)}: ${e.message}`;
  const old = new Set(validateDraft(before).map(key));
  const fresh = validateDraft(after).filter((e) => e.path[0] === 'networks' && e.path[2] === 'name' && !old.has(key(e)));
  return fresh.length > 0 ? fresh.map((e) => e.message).join('; ') : undefined;
}

interface RenameProps {
  config: Config;
  index: number;
  onOk: (config: Config) => void;
  onCancel: () => void;
}

export function RenameNetworkDialog({ config, index, onOk, onCancel }: RenameProps) {
  const network = config.networks[index]!;
  const [name, setName] = useState(network.name);
  const [label, setLabel] = useState(network.label ?? '');
  const next = renameNetwork(config, index, name, label);
  const errors = validateDraft(next);
  const nameProblem = fieldError(errors, ['networks', index, 'name']) ?? newNameClash(config, next);
  const labelProblem = fieldError(errors, ['networks', index, 'label']);
  return (
    <Dialog open onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="rename-network-title">
      <DialogTitle id="rename-network-title">Rename Network</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Field
            label="Network name"
            autoFocus
            value={name}
            onValue={setName}
            problem={nameProblem}
            hint="Also the bridge's interface name"
          />
          <Field
            label="Display label"
            value={label}
            onValue={setLabel}
            problem={labelProblem}
            hint="Optional text shown next to the name"
          />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" disabled={nameProblem !== undefined || labelProblem !== undefined} onClick={() => onOk(next)}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
    </Dialog>
  );
}

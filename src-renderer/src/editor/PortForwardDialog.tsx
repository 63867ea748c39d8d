// VMware's "Map Incoming Port" dialog: one port forward, validated by the shared
// model in the context of the whole draft (so a host port taken by another network is caught).
import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import type { Config, NatSettings, PortForward } from '../../../src-shared/model';
import { Field, useTouched } from '../components/Field';
import { fieldError, numberOrText, validateForm } from '../state/validation';
import { updateNetwork } from '../state/draft';

interface Props {
  config: Config;
  networkIndex: number;
  /** The NAT settings being edited in the NAT Settings dialog. */
  nat: NatSettings;
  /** Index of the forward being edited; undefined adds a new one. */
  forwardIndex: number | undefined;
  onOk: (forward: PortForward) => void;
  onCancel: () => void;
}

/** The forward as the config would hold it, with half-typed numbers left as text for validation. */
export function forwardFromFields(fields: {
  protocol: string;
  hostPort: string;
  guestAddress: string;
  guestPort: string;
  description: string;
}): PortForward {
  const forward = {
    protocol: fields.protocol,
    hostPort: numberOrText(fields.hostPort),
    guestAddress: fields.guestAddress.trim(),
    guestPort: numberOrText(fields.guestPort),
  } as PortForward;
  if (fields.description !== '') forward.description = fields.description;
  return forward;
}

/** The draft with the dialog's NAT settings and a slot at `index` for the forward being edited. */
function configWith(config: Config, networkIndex: number, nat: NatSettings, index: number): Config {
  const portForwards: PortForward[] = [...nat.portForwards];
  portForwards.splice(index, 0, { protocol: 'tcp', hostPort: 1, guestAddress: '', guestPort: 1 });
  return updateNetwork(config, networkIndex, (network) =>
    network.type === 'nat' ? { ...network, nat: { ...nat, portForwards } } : network,
  );
}

/** A host port no forward uses, to stand in for a half-typed one while the other fields are checked. */
function unusedHostPort(config: Config): number {
  const used = new Set(config.networks.flatMap((n) => (n.type === 'nat' ? n.nat.portForwards.map((f) => f.hostPort) : [])));
  let port = 65535;
  while (used.has(port)) port--;
  return port;
}

export function PortForwardDialog({ config, networkIndex, nat, forwardIndex, onOk, onCancel }: Props) {
  const initial = forwardIndex === undefined ? undefined : nat.portForwards[forwardIndex];
  const [fields, setFields] = useState({
    protocol: initial?.protocol ?? 'tcp',
    hostPort: initial ? String(initial.hostPort) : '',
    guestAddress: initial?.guestAddress ?? '',
    guestPort: initial ? String(initial.guestPort) : '',
    description: initial?.description ?? '',
  });
  const { touched, touch } = useTouched();
  const forward = forwardFromFields(fields);
  const index = forwardIndex ?? nat.portForwards.length;
  const others = { ...nat, portForwards: nat.portForwards.filter((_, i) => i !== index) };
  const base = ['networks', networkIndex, 'nat', 'portForwards', index];
  const errors = validateForm(configWith(config, networkIndex, others, index), base, forward as unknown as Record<string, unknown>, {
    hostPort: unusedHostPort(config),
    guestPort: 1,
  });
  const problem = (key: string) => fieldError(errors, [...base, key]);
  const invalid = ['protocol', 'hostPort', 'guestAddress', 'guestPort', 'description'].some((key) => problem(key) !== undefined);
  const set = (key: keyof typeof fields) => (value: string) => {
    touch(key);
    setFields((prev) => ({ ...prev, [key]: value }));
  };
  const field = (key: keyof typeof fields) => ({
    value: fields[key],
    onValue: set(key),
    onBlur: () => touch(key),
    problem: problem(key),
    showProblem: touched(key),
  });

  return (
    <Dialog open onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="port-forward-title">
      <DialogTitle id="port-forward-title">{forwardIndex === undefined ? 'Map Incoming Port' : 'Port Forward Properties'}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Field label="Host port" autoFocus inputMode="numeric" {...field('hostPort')} />
          <Field label="Type" select slotProps={{ select: { native: true } }} {...field('protocol')}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
          </Field>
          <Field label="Virtual machine IP address" {...field('guestAddress')} />
          <Field label="Virtual machine port" inputMode="numeric" {...field('guestPort')} />
          <Field label="Description" {...field('description')} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onOk(forward)} disabled={invalid} variant="contained">
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
    </Dialog>
  );
}

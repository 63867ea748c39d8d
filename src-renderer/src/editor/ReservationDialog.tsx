// One DHCP reservation (a fixed address for a MAC), validated in the context of the draft.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import type { Config, DhcpSettings, Reservation } from '../../../src-shared/model';
import { Field, useTouched } from '../components/Field';
import { fieldError, validateWith } from '../state/validation';

interface Props {
  config: Config;
  networkIndex: number;
  dhcp: DhcpSettings;
  initial?: Partial<Reservation>;
  onOk: (reservation: Reservation) => void;
  onCancel: () => void;
}

export function reservationFromFields(fields: { mac: string; address: string; hostname: string }): Reservation {
  const reservation: Reservation = { mac: fields.mac.trim(), address: fields.address.trim() };
  if (fields.hostname.trim() !== '') reservation.hostname = fields.hostname.trim();
  return reservation;
}

export function ReservationDialog({ config, networkIndex, dhcp, initial, onOk, onCancel }: Props) {
  const [fields, setFields] = useState({ mac: initial?.mac ?? '', address: initial?.address ?? '', hostname: initial?.hostname ?? '' });
  const { touched, touch } = useTouched();
  const reservation = reservationFromFields(fields);
  const index = dhcp.reservations.length;
  const base = ['networks', networkIndex, 'dhcp'];
  const errors = validateWith(config, base, { ...dhcp, reservations: [...dhcp.reservations, reservation] });
  const problem = (key: string) => fieldError(errors, [...base, 'reservations', index, key]);
  const invalid = ['mac', 'address', 'hostname'].some((key) => problem(key) !== undefined);
  const field = (key: keyof typeof fields) => ({
    value: fields[key],
    onValue: (value: string) => {
      touch(key);
      setFields((prev) => ({ ...prev, [key]: value }));
    },
    onBlur: () => touch(key),
    problem: problem(key),
    // Values filled in from a lease are shown checked straight away.
    showProblem: touched(key) || (initial?.[key] ?? '') !== '',
  });
  return (
    <Dialog open onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="reservation-title">
      <DialogTitle id="reservation-title">Add Reservation</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Field label="MAC address" autoFocus placeholder="52:54:00:12:34:56" {...field('mac')} />
          <Field label="IP address" {...field('address')} />
          <Field label="Hostname" {...field('hostname')} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" disabled={invalid} onClick={() => onOk(reservation)}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
    </Dialog>
  );
}

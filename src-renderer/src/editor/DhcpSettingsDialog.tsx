// VMware's "DHCP Settings" dialog: address range, lease time and reservations.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ip, type Config, type DhcpSettings, type RoutedNetwork } from '../../../src-shared/model';
import { Field, useTouched } from '../components/Field';
import { SelectableTable } from '../components/SelectableTable';
import { OtherErrors } from '../components/OtherErrors';
import { errorsUnder, fieldError, numberOrText, otherErrors, validateForm } from '../state/validation';
import { fieldsFromSubnet } from '../state/draft';
import { formatDuration } from '../state/words';
import { ReservationDialog } from './ReservationDialog';

interface Props {
  config: Config;
  networkIndex: number;
  onOk: (dhcp: DhcpSettings) => void;
  onCancel: () => void;
}

export function broadcastOf(subnet: string): string {
  const parsed = ip.parseCidr(subnet);
  return parsed.ok ? ip.formatIpv4(ip.broadcast(parsed.cidr)) : '';
}

export function DhcpSettingsDialog({ config, networkIndex, onOk, onCancel }: Props) {
  const network = config.networks[networkIndex] as RoutedNetwork;
  const [dhcp, setDhcp] = useState<DhcpSettings>(structuredClone(network.dhcp));
  const [leaseText, setLeaseText] = useState(String(network.dhcp.leaseSeconds));
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const { touched, touch } = useTouched();
  const base = ['networks', networkIndex, 'dhcp'];
  const draft = { ...dhcp, leaseSeconds: numberOrText(leaseText) };
  const errors = validateForm(config, base, draft, { leaseSeconds: 1800 });
  const invalid = errorsUnder(errors, base).length > 0;
  const { subnetIp, mask } = fieldsFromSubnet(network.subnet);
  const shown = ['rangeStart', 'rangeEnd', 'leaseSeconds'].map((key) => [...base, key]);
  const rest = otherErrors(errors, base, shown);
  const lease = typeof draft.leaseSeconds === 'number' ? formatDuration(draft.leaseSeconds) : '';

  const text = (key: 'rangeStart' | 'rangeEnd', label: string) => (
    <Field
      label={label}
      value={dhcp[key] ?? ''}
      onValue={(value) => {
        touch(key);
        setDhcp({ ...dhcp, [key]: value.trim() });
      }}
      onBlur={() => touch(key)}
      problem={fieldError(errors, [...base, key])}
      showProblem={touched(key)}
      fullWidth
    />
  );

  return (
    <Dialog open onClose={onCancel} maxWidth="md" fullWidth aria-labelledby="dhcp-settings-title">
      <DialogTitle id="dhcp-settings-title">DHCP Settings</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Typography variant="body2">
            Network: <strong>{network.name}</strong> · Subnet IP: {subnetIp} · Subnet mask: {mask}
          </Typography>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start' }}>
            {text('rangeStart', 'Starting IP address')}
            {text('rangeEnd', 'Ending IP address')}
            <Field
              label="Broadcast address"
              value={broadcastOf(network.subnet)}
              onValue={() => undefined}
              slotProps={{ input: { readOnly: true } }}
              fullWidth
            />
          </Stack>
          <Field
            label="Lease time (seconds)"
            value={leaseText}
            inputMode="numeric"
            onValue={(value) => {
              touch('leaseSeconds');
              setLeaseText(value);
            }}
            onBlur={() => touch('leaseSeconds')}
            problem={fieldError(errors, [...base, 'leaseSeconds'])}
            showProblem={touched('leaseSeconds')}
            hint={lease}
            sx={{ maxWidth: 260 }}
          />
          <Typography variant="subtitle2" component="h3">
            Reservations
          </Typography>
          <SelectableTable
            label="Reservations"
            columns={[
              { header: 'MAC address', cell: (r) => r.mac },
              { header: 'IP address', cell: (r) => r.address },
              { header: 'Hostname', cell: (r) => r.hostname ?? '' },
            ]}
            rows={dhcp.reservations}
            rowKey={(r, i) => `${i}-${r.mac}`}
            selected={selected}
            onSelect={setSelected}
            maxHeight={180}
            empty="No reservations. Add gives a virtual machine a fixed address."
          />
          <Stack direction="row" spacing={1}>
            <Button variant="outlined" onClick={() => setAdding(true)}>
              Add
            </Button>
            <Button
              variant="outlined"
              disabled={selected === undefined}
              onClick={() => {
                setDhcp({ ...dhcp, reservations: dhcp.reservations.filter((_, i) => i !== selected) });
                setSelected(undefined);
              }}
            >
              Remove
            </Button>
          </Stack>
          <OtherErrors errors={rest} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" disabled={invalid} onClick={() => onOk(draft as DhcpSettings)}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
      {adding && (
        <ReservationDialog
          config={config}
          networkIndex={networkIndex}
          dhcp={dhcp}
          onCancel={() => setAdding(false)}
          onOk={(reservation) => {
            setDhcp({ ...dhcp, reservations: [...dhcp.reservations, reservation] });
            setAdding(false);
          }}
        />
      )}
    </Dialog>
  );
}

// VMware's "DHCP Settings" dialog: address range (which can be switched off, leaving
// reservations only), lease time, reservations, the guests' domain and network boot.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { defaultAddresses, ip, type Config, type DhcpSettings, type RoutedNetwork } from '../../../src-shared/model';
import { Field, useTouched } from '../components/Field';
import { SelectableTable } from '../components/SelectableTable';
import { OtherErrors } from '../components/OtherErrors';
import { errorsUnder, fieldError, numberOrText, otherErrors, validateForm } from '../state/validation';
import { fieldsFromSubnet, replaceNetwork } from '../state/draft';
import { formatDuration } from '../state/words';
import { ReservationDialog } from './ReservationDialog';

interface Props {
  config: Config;
  networkIndex: number;
  /** The DHCP settings and the network's domain (undefined: none). */
  onOk: (dhcp: DhcpSettings, domain: string | undefined) => void;
  onCancel: () => void;
}

export function broadcastOf(subnet: string): string {
  const parsed = ip.parseCidr(subnet);
  return parsed.ok ? ip.formatIpv4(ip.broadcast(parsed.cidr)) : '';
}

/** The range a switched-off range comes back as when it had none: the subnet's defaults, when it parses. */
function validSubnetDefaults(subnet: string): { rangeStart: string; rangeEnd: string } {
  try {
    return defaultAddresses(subnet);
  } catch {
    return { rangeStart: '', rangeEnd: '' };
  }
}

function domainHint(network: RoutedNetwork): string {
  if (network.type === 'nat' && network.nat.dns) return 'Handed out by DHCP; the gateway answers HOST.DOMAIN for guests (e.g. localdomain)';
  return 'Handed out by DHCP (e.g. localdomain)';
}

export function DhcpSettingsDialog({ config, networkIndex, onOk, onCancel }: Props) {
  const network = config.networks[networkIndex] as RoutedNetwork;
  const [dhcp, setDhcp] = useState<DhcpSettings>(structuredClone(network.dhcp));
  const [leaseText, setLeaseText] = useState(String(network.dhcp.leaseSeconds));
  const [domain, setDomain] = useState(network.domain ?? '');
  // A range switched off keeps its last values, to come back when it is switched on again.
  const [savedRange, setSavedRange] = useState(() => {
    const fallback = validSubnetDefaults(network.subnet);
    return { rangeStart: network.dhcp.rangeStart ?? fallback.rangeStart, rangeEnd: network.dhcp.rangeEnd ?? fallback.rangeEnd };
  });
  const hasRange = dhcp.rangeStart !== undefined || dhcp.rangeEnd !== undefined;
  const setRange = (on: boolean) => {
    if (on) setDhcp({ ...dhcp, ...savedRange });
    else {
      setSavedRange({ rangeStart: dhcp.rangeStart ?? savedRange.rangeStart, rangeEnd: dhcp.rangeEnd ?? savedRange.rangeEnd });
      const { rangeStart: _start, rangeEnd: _end, ...rest } = dhcp;
      setDhcp(rest);
    }
  };
  const domainValue = domain.trim() === '' ? undefined : domain.trim();
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const { touched, touch } = useTouched();
  const base = ['networks', networkIndex, 'dhcp'];
  const draft = { ...dhcp, leaseSeconds: numberOrText(leaseText) };
  const withDomain = replaceNetwork(config, networkIndex, { ...network, domain: domainValue });
  const errors = validateForm(withDomain, base, draft, { leaseSeconds: 1800 });
  const domainPath = ['networks', networkIndex, 'domain'];
  const bootPath = [...base, 'boot'];
  const invalid = errorsUnder(errors, base).length > 0 || errorsUnder(errors, domainPath).length > 0;
  const { subnetIp, mask } = fieldsFromSubnet(network.subnet);
  const shown = [
    ...['rangeStart', 'rangeEnd', 'leaseSeconds'].map((key) => [...base, key]),
    [...bootPath, 'file'],
    [...bootPath, 'server'],
  ];
  const rest = otherErrors(errors, base, shown);
  const lease = typeof draft.leaseSeconds === 'number' ? formatDuration(draft.leaseSeconds) : '';

  const text = (key: 'rangeStart' | 'rangeEnd', label: string) => (
    <Field
      label={label}
      value={dhcp[key] ?? (hasRange ? '' : savedRange[key])}
      disabled={!hasRange}
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
          <FormControlLabel
            control={<Checkbox size="small" checked={hasRange} onChange={(event) => setRange(event.target.checked)} />}
            label="Hand out addresses from a range (off: only reservations get addresses)"
          />
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
          <Field
            label="Domain name"
            value={domain}
            onValue={(value) => {
              touch('domain');
              setDomain(value);
            }}
            onBlur={() => touch('domain')}
            problem={fieldError(errors, domainPath)}
            showProblem={touched('domain')}
            hint={domainHint(network)}
            sx={{ maxWidth: 420 }}
          />
          <FormControlLabel
            control={
              <Checkbox
                size="small"
                checked={dhcp.boot !== undefined}
                onChange={(event) => {
                  if (event.target.checked) setDhcp({ ...dhcp, boot: { file: 'pxelinux.0' } });
                  else {
                    const { boot: _boot, ...rest } = dhcp;
                    setDhcp(rest);
                  }
                }}
              />
            }
            label="Network boot (PXE): offer a boot file"
          />
          {dhcp.boot && (
            <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start', pl: 4 }}>
              <Field
                label="Boot file"
                value={dhcp.boot.file}
                onValue={(file) => {
                  touch('bootFile');
                  setDhcp({ ...dhcp, boot: { ...dhcp.boot!, file: file.trim() } });
                }}
                onBlur={() => touch('bootFile')}
                problem={fieldError(errors, [...bootPath, 'file'])}
                showProblem={touched('bootFile')}
                fullWidth
              />
              <Field
                label="Next server (TFTP)"
                value={dhcp.boot.server ?? ''}
                onValue={(value) => {
                  touch('bootServer');
                  const { server: _server, ...boot } = dhcp.boot!;
                  setDhcp({ ...dhcp, boot: value.trim() === '' ? boot : { ...boot, server: value.trim() } });
                }}
                onBlur={() => touch('bootServer')}
                problem={fieldError(errors, [...bootPath, 'server'])}
                showProblem={touched('bootServer')}
                hint={`Empty: ${network.type === 'nat' ? `the gateway ${network.nat.gateway}` : `the host address ${network.hostAdapter.address}`}`}
                fullWidth
              />
            </Stack>
          )}
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
        <Button variant="contained" disabled={invalid} onClick={() => onOk(draft as DhcpSettings, domainValue)}>
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

// VMware's "NAT Settings" dialog: gateway, DNS forwarding, outgoing adapter and
// the port forwarding table. Changes are staged into the draft on OK.
import { useState } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { type Config, type NatNetwork, type NatSettings } from '../../../src-shared/model';
import type { Adapter } from '../../../src-shared/api/types';
import { Field, useTouched } from '../components/Field';
import { SelectableTable } from '../components/SelectableTable';
import { OtherErrors } from '../components/OtherErrors';
import { errorsUnder, fieldError, otherErrors, validateWith } from '../state/validation';
import { fieldsFromSubnet } from '../state/draft';
import { PortForwardDialog } from './PortForwardDialog';
import { uplinkCandidates } from '../state/uplinks';

interface Props {
  config: Config;
  networkIndex: number;
  adapters: Adapter[];
  /** `gateway6`: the IPv6 gateway, for a network with IPv6. */
  onOk: (nat: NatSettings, gateway6?: string) => void;
  onCancel: () => void;
}

export function NatSettingsDialog({ config, networkIndex, adapters, onOk, onCancel }: Props) {
  const network = config.networks[networkIndex] as NatNetwork;
  const [nat, setNat] = useState<NatSettings>(structuredClone(network.nat));
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [editing, setEditing] = useState<{ index: number | undefined } | undefined>(undefined);
  const { touched, touch } = useTouched();
  const base = ['networks', networkIndex, 'nat'];
  const [gateway6, setGateway6] = useState(network.ipv6?.gateway ?? '');
  const base6 = ['networks', networkIndex, 'ipv6'];
  const withIpv6 = network.ipv6
    ? (structuredClone({
        ...config,
        networks: config.networks.map((n, i) => (i === networkIndex ? { ...network, ipv6: { ...network.ipv6!, gateway: gateway6 } } : n)),
      }) as Config)
    : config;
  const errors = validateWith(withIpv6, base, nat);
  const invalid =
    errorsUnder(errors, base).length > 0 || (network.ipv6 !== undefined && fieldError(errors, [...base6, 'gateway']) !== undefined);
  const { subnetIp, mask } = fieldsFromSubnet(network.subnet);
  const uplinks = uplinkCandidates(adapters);
  const rest = otherErrors(errors, base, [
    [...base, 'gateway'],
    [...base6, 'gateway'],
    [...base, 'uplink'],
  ]);

  const removeForward = () => {
    if (selected === undefined) return;
    setNat({ ...nat, portForwards: nat.portForwards.filter((_, i) => i !== selected) });
    setSelected(undefined);
  };

  return (
    <Dialog open onClose={onCancel} maxWidth="md" fullWidth aria-labelledby="nat-settings-title">
      <DialogTitle id="nat-settings-title">NAT Settings</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Typography variant="body2">
            Network: <strong>{network.name}</strong> · Subnet IP: {subnetIp} · Subnet mask: {mask}
          </Typography>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start' }}>
            <Field
              label="Gateway IP"
              value={nat.gateway}
              onValue={(gateway) => {
                touch('gateway');
                setNat({ ...nat, gateway: gateway.trim() });
              }}
              onBlur={() => touch('gateway')}
              problem={fieldError(errors, [...base, 'gateway'])}
              showProblem={touched('gateway')}
              sx={{ minWidth: 220 }}
            />
            {network.ipv6 && (
              <Field
                label="IPv6 gateway"
                value={gateway6}
                onValue={(text) => {
                  touch('gateway6');
                  setGateway6(text.trim());
                }}
                onBlur={() => touch('gateway6')}
                problem={fieldError(errors, [...base6, 'gateway'])}
                showProblem={touched('gateway6')}
                hint={`NAT66 for ${network.ipv6.prefix}`}
                sx={{ minWidth: 260 }}
              />
            )}
            <Field
              label="Outgoing adapter"
              select
              slotProps={{ select: { native: true } }}
              value={nat.uplink}
              onValue={(uplink) => setNat({ ...nat, uplink })}
              problem={fieldError(errors, [...base, 'uplink'])}
              hint="Automatic uses the adapter of the default route"
              sx={{ minWidth: 220 }}
            >
              <option value="auto">Automatic</option>
              {uplinks.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name}
                </option>
              ))}
              {nat.uplink !== 'auto' && !uplinks.some((a) => a.name === nat.uplink) && (
                <option value={nat.uplink}>{nat.uplink} (not present)</option>
              )}
            </Field>
            <FormControlLabel
              control={<Switch checked={nat.dns} onChange={(event) => setNat({ ...nat, dns: event.target.checked })} />}
              label="DNS forwarding"
            />
          </Stack>
          <Typography variant="subtitle2" component="h3">
            Port Forwarding
          </Typography>
          <SelectableTable
            label="Port Forwarding"
            columns={[
              { header: 'Host port', cell: (f) => f.hostPort, width: 90 },
              { header: 'Type', cell: (f) => f.protocol.toUpperCase(), width: 60 },
              { header: 'Virtual machine IP address', cell: (f) => f.guestAddress },
              { header: 'Virtual machine port', cell: (f) => f.guestPort, width: 150 },
              { header: 'Description', cell: (f) => f.description ?? '' },
            ]}
            rows={nat.portForwards}
            rowKey={(f, i) => `${i}-${f.protocol}-${f.hostPort}`}
            selected={selected}
            onSelect={setSelected}
            onActivate={(index) => setEditing({ index })}
            maxHeight={200}
            empty="No port forwards. Add… maps a host port to a virtual machine."
          />
          <Stack direction="row" spacing={1}>
            <Button variant="outlined" onClick={() => setEditing({ index: undefined })}>
              Add…
            </Button>
            <Button variant="outlined" onClick={removeForward} disabled={selected === undefined}>
              Remove
            </Button>
            <Button variant="outlined" onClick={() => setEditing({ index: selected })} disabled={selected === undefined}>
              Properties…
            </Button>
          </Stack>
          <OtherErrors errors={rest} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" disabled={invalid} onClick={() => (network.ipv6 ? onOk(nat, gateway6) : onOk(nat))}>
          OK
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </DialogActions>
      {editing && (
        <PortForwardDialog
          config={config}
          networkIndex={networkIndex}
          nat={nat}
          forwardIndex={editing.index}
          onCancel={() => setEditing(undefined)}
          onOk={(forward) => {
            const forwards = [...nat.portForwards];
            if (editing.index === undefined) forwards.push(forward);
            else forwards[editing.index] = forward;
            setNat({ ...nat, portForwards: forwards });
            setSelected(editing.index ?? forwards.length - 1);
            setEditing(undefined);
          }}
        />
      )}
    </Dialog>
  );
}

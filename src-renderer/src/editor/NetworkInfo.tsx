// VMware's "VMnet information" panel for the selected network. Every edit is
// staged into the draft; errors come from the shared model, next to their field.
import { useRef, useState } from 'react';
import type { Config, Network, NetworkType } from '../../../src-shared/model';
import type { Adapter } from '../../../src-shared/api/types';
import { Button, Choice, TextField } from '../plain/parts';
import { changeSubnet, changeType, fieldsFromSubnet, replaceNetwork, subnetFromFields, validSubnet } from '../state/draft';
import { fieldError, numberOrText, type ValidationError } from '../state/findings';
import { uplinkCandidates } from '../state/uplinks';
import { Ipv6Fields } from './Ipv6Fields';
import { dialogs, useOpenDialog } from './lazyDialogs';
import { HostErrorAlert } from '../components/HostErrorAlert';

interface Props {
  config: Config;
  index: number;
  errors: ValidationError[];
  adapters: Adapter[];
  onChange: (config: Config) => void;
}

type OpenDialog = 'nat' | 'dhcp' | 'automatic' | undefined;

const TYPE_TEXT: { type: NetworkType; name: string; detail: string }[] = [
  { type: 'bridged', name: 'Bridged', detail: '(connect VMs directly to the external network)' },
  { type: 'nat', name: 'NAT', detail: "(shared host's IP address with VMs)" },
  { type: 'hostonly', name: 'Host-only', detail: '(connect VMs internally in a private network)' },
];

/** Which of VMware's two fields a subnet error belongs to. */
function subnetErrorField(message: string, mask: string): 'ip' | 'mask' {
  return message.startsWith('prefix /') || (mask.trim() !== '' && !/^\d+\.\d+\.\d+\.\d+$/.test(mask.trim())) ? 'mask' : 'ip';
}

/** The network with the MTU field's text: left out when empty, else the number (or the text, for the model to report). */
function withMtu(network: Network, text: string): Network {
  const { mtu: _old, ...rest } = network;
  if (text.trim() === '') return rest as Network;
  // A half-typed value stays text in the draft, so the model's message names it.
  return { ...rest, mtu: numberOrText(text) as number } as Network;
}

export function NetworkInfo({ config, index, errors, adapters, onChange }: Props) {
  const network = config.networks[index]!;
  const base = ['networks', index];
  const [open, setOpenNow] = useState<OpenDialog>(undefined);
  // A dialog opens once the dialogs' code is here (lazyDialogs.ts).
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const setOpen = useOpenDialog<OpenDialog>(setOpenNow, setLoadError);
  const D = dialogs.current;
  const subnet = network.type === 'bridged' ? '' : network.subnet;
  // The two fields may hold text that is not a subnet yet; re-derive them when the draft changed elsewhere.
  const [fields, setFields] = useState(() => fieldsFromSubnet(subnet));
  const shownFields = subnetFromFields(fields.subnetIp, fields.mask) === subnet ? fields : fieldsFromSubnet(subnet);
  // The last subnet that parsed: addresses still at its defaults follow the next valid subnet.
  const lastValid = useRef<{ name: string; subnet: string | undefined }>({ name: network.name, subnet: undefined });
  if (validSubnet(subnet)) lastValid.current = { name: network.name, subnet };
  else if (lastValid.current.name !== network.name) lastValid.current = { name: network.name, subnet: undefined };

  const set = (next: Network) => onChange(replaceNetwork(config, index, next));
  const setSubnetFields = (next: { subnetIp: string; mask: string }) => {
    setFields(next);
    const text = subnetFromFields(next.subnetIp, next.mask);
    set(changeSubnet(network, text, lastValid.current.subnet));
  };

  const subnetProblem = fieldError(errors, [...base, 'subnet']);
  const subnetOn = subnetProblem ? subnetErrorField(subnetProblem, shownFields.mask) : undefined;
  const routed = network.type !== 'bridged';
  const bridgedUplink = network.type === 'bridged' ? network.bridge.uplink : 'auto';
  const uplinks = uplinkCandidates(adapters, network.name);

  return (
    <section className="p-panel" aria-labelledby="vmnet-information">
      <h2 id="vmnet-information" className="p-panel-title">
        VMnet information
      </h2>
      <div className="p-panel-columns">
        <div className="p-radio-group" role="radiogroup" aria-label="VMnet type">
          {TYPE_TEXT.map(({ type, name, detail }) => (
            <div key={type}>
              <div className="p-line">
                <Choice
                  type="radio"
                  name={`vmnet-type-${index}`}
                  value={type}
                  checked={network.type === type}
                  onChange={() => onChange(changeType(config, index, type))}
                  aria-label={name}
                  label={
                    <>
                      {name} <span className="p-body2 p-secondary">{detail}</span>
                    </>
                  }
                />
                {type === 'nat' && (
                  <Button size="small" variant="outlined" disabled={network.type !== 'nat'} onClick={() => setOpen('nat')}>
                    NAT Settings…
                  </Button>
                )}
              </div>
              {type === 'bridged' && (
                <div className="p-bridged-to">
                  <TextField
                    label="Bridged to"
                    disabled={network.type !== 'bridged'}
                    value={bridgedUplink}
                    onValue={(uplink) => network.type === 'bridged' && set({ ...network, bridge: { ...network.bridge, uplink } })}
                    problem={fieldError(errors, [...base, 'bridge', 'uplink'])}
                    className="p-uplink"
                    options={
                      <>
                        <option value="auto">Automatic</option>
                        {uplinks.map((a) => (
                          <option key={a.name} value={a.name}>
                            {a.name}
                            {a.kind === 'wireless' ? ' (wireless)' : ''}
                          </option>
                        ))}
                        {bridgedUplink !== 'auto' && !uplinks.some((a) => a.name === bridgedUplink) && (
                          <option value={bridgedUplink}>{bridgedUplink} (not present)</option>
                        )}
                      </>
                    }
                  />
                  <Button
                    size="small"
                    variant="outlined"
                    disabled={network.type !== 'bridged' || bridgedUplink !== 'auto'}
                    onClick={() => setOpen('automatic')}
                  >
                    Automatic Settings…
                  </Button>
                </div>
              )}
            </div>
          ))}
        </div>

        <div className="p-stack">
          <Choice
            type="checkbox"
            disabled={!routed}
            checked={routed && network.hostAdapter.enabled}
            onChange={(event) => routed && set({ ...network, hostAdapter: { ...network.hostAdapter, enabled: event.target.checked } })}
            label="Connect a host virtual adapter to this network"
          />
          <TextField
            label="Host virtual adapter address"
            disabled={!routed || !network.hostAdapter.enabled}
            value={routed ? network.hostAdapter.address : ''}
            onValue={(address) => routed && set({ ...network, hostAdapter: { ...network.hostAdapter, address: address.trim() } })}
            problem={fieldError(errors, [...base, 'hostAdapter', 'address'])}
            className="p-indent p-narrow"
          />
          <div className="p-line">
            <Choice
              type="checkbox"
              disabled={!routed}
              checked={routed && network.dhcp.enabled}
              onChange={(event) => routed && set({ ...network, dhcp: { ...network.dhcp, enabled: event.target.checked } })}
              label="Use local DHCP service to distribute IP address to VMs"
            />
            <Button size="small" variant="outlined" disabled={!routed || !network.dhcp.enabled} onClick={() => setOpen('dhcp')}>
              DHCP Settings…
            </Button>
          </div>
          <div className="p-subnet">
            <TextField
              label="Subnet IP"
              disabled={!routed}
              value={routed ? shownFields.subnetIp : ''}
              onValue={(subnetIp) => setSubnetFields({ ...shownFields, subnetIp })}
              problem={subnetOn === 'ip' ? subnetProblem : undefined}
            />
            <TextField
              label="Subnet mask"
              disabled={!routed}
              value={routed ? shownFields.mask : ''}
              onValue={(mask) => setSubnetFields({ ...shownFields, mask })}
              problem={subnetOn === 'mask' ? subnetProblem : undefined}
            />
          </div>
          <TextField
            label="MTU"
            value={network.mtu === undefined ? '' : String(network.mtu)}
            inputMode="numeric"
            onValue={(text) => set(withMtu(network, text))}
            problem={fieldError(errors, [...base, 'mtu'])}
            hint={routed ? 'Empty: 1500. DHCP offers it to the guests too.' : 'Empty: the uplink’s'}
            className="p-narrow"
          />
          {routed && <Ipv6Fields network={network} base={base} errors={errors} onChange={set} />}
        </div>
      </div>
      {loadError !== undefined && <HostErrorAlert error={loadError} onClose={() => setLoadError(undefined)} />}

      {D && (
        <D.Themed>
          {open === 'nat' && network.type === 'nat' && (
            <D.NatSettingsDialog
              config={config}
              networkIndex={index}
              adapters={adapters}
              onCancel={() => setOpen(undefined)}
              onOk={(nat, gateway6) => {
                set(
                  network.ipv6 && gateway6 !== undefined
                    ? { ...network, nat, ipv6: { ...network.ipv6, gateway: gateway6 } }
                    : { ...network, nat },
                );
                setOpen(undefined);
              }}
            />
          )}
          {open === 'dhcp' && routed && (
            <D.DhcpSettingsDialog
              config={config}
              networkIndex={index}
              onCancel={() => setOpen(undefined)}
              onOk={(dhcp, domain) => {
                const { domain: _old, ...rest } = network;
                set(domain === undefined ? { ...rest, dhcp } : { ...rest, domain, dhcp });
                setOpen(undefined);
              }}
            />
          )}
          {open === 'automatic' && network.type === 'bridged' && (
            <D.AutomaticSettingsDialog
              exclude={network.bridge.exclude ?? []}
              adapters={adapters}
              onCancel={() => setOpen(undefined)}
              onOk={(exclude) => {
                const bridge = exclude.length === 0 ? { uplink: network.bridge.uplink } : { ...network.bridge, exclude };
                set({ ...network, bridge });
                setOpen(undefined);
              }}
            />
          )}
        </D.Themed>
      )}
    </section>
  );
}

import { describe, expect, it } from 'vitest';
import { defaultConfig, natNetwork, type Config, type NatNetwork } from '../../../src-shared/model';
import {
  addNetwork,
  changeSubnet,
  changeType,
  defaultIpv6,
  fieldsFromSubnet,
  removeNetwork,
  renameNetwork,
  subnetFromFields,
} from '../../../src-renderer/src/state/draft';
import { editorReducer, initialEditor, isDirty } from '../../../src-renderer/src/state/editor';
import { fieldError, numberOrText, otherErrors, validateDraft, validateWith } from '../../../src-renderer/src/state/validation';

const base = (): Config => defaultConfig();

describe('changeSubnet', () => {
  it('moves host, gateway and DHCP range along while they are at their defaults', () => {
    const moved = changeSubnet(natNetwork('vmnet8', '192.168.133.0/24'), '10.1.2.0/24', '192.168.133.0/24') as NatNetwork;
    expect(moved.subnet).toBe('10.1.2.0/24');
    expect(moved.hostAdapter.address).toBe('10.1.2.1');
    expect(moved.nat.gateway).toBe('10.1.2.2');
    expect([moved.dhcp.rangeStart, moved.dhcp.rangeEnd]).toEqual(['10.1.2.128', '10.1.2.254']);
    expect(validateDraft({ version: 1, networks: [moved] })).toEqual([]);
  });

  it('keeps addresses the user chose', () => {
    const network = natNetwork('vmnet8', '192.168.133.0/24');
    network.hostAdapter.address = '192.168.133.10';
    network.dhcp.rangeStart = '192.168.133.100';
    const moved = changeSubnet(network, '192.168.140.0/24', '192.168.133.0/24') as NatNetwork;
    expect(moved.hostAdapter.address).toBe('192.168.133.10');
    expect(moved.dhcp.rangeStart).toBe('192.168.133.100');
    expect(moved.nat.gateway).toBe('192.168.140.2');
    expect(moved.dhcp.rangeEnd).toBe('192.168.140.254');
  });

  it('follows from the last valid subnet across half-typed text, and handles other prefixes', () => {
    const network = natNetwork('vmnet8', '192.168.133.0/24');
    const halfTyped = changeSubnet(network, '10.0/24', '192.168.133.0/24') as NatNetwork;
    expect(halfTyped.subnet).toBe('10.0/24');
    expect(halfTyped.hostAdapter.address).toBe('192.168.133.1');
    const done = changeSubnet(halfTyped, '10.0.0.0/16', '192.168.133.0/24') as NatNetwork;
    expect(done.hostAdapter.address).toBe('10.0.0.1');
    expect(done.dhcp.rangeStart).toBe('10.0.0.128');
    expect(done.dhcp.rangeEnd).toBe('10.0.255.254');
  });

  it('keeps reservations and port forwards at their offset so they stay inside the subnet', () => {
    const network = natNetwork('vmnet8', '192.168.133.0/24');
    network.dhcp.reservations = [{ mac: '52:54:00:12:34:56', address: '192.168.133.50' }];
    network.nat.portForwards = [{ protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80 }];
    const moved = changeSubnet(network, '192.168.150.0/24', '192.168.133.0/24') as NatNetwork;
    expect(moved.dhcp.reservations[0]!.address).toBe('192.168.150.50');
    expect(moved.nat.portForwards[0]!.guestAddress).toBe('192.168.150.50');
  });
});

describe('subnet fields', () => {
  it("round-trips VMware's Subnet IP and Subnet mask", () => {
    expect(fieldsFromSubnet('192.168.56.0/24')).toEqual({ subnetIp: '192.168.56.0', mask: '255.255.255.0' });
    expect(subnetFromFields('10.0.0.0', '255.255.0.0')).toBe('10.0.0.0/16');
  });

  it('keeps a mask that is not a mask as typed, so the model reports it', () => {
    const subnet = subnetFromFields('10.0.0.0', '255.0.255.0');
    expect(subnet).toBe('10.0.0.0/255.0.255.0');
    const draft = base();
    (draft.networks[1] as NatNetwork).subnet = subnet;
    expect(fieldError(validateDraft(draft), ['networks', 1, 'subnet'])).toBe(
      '"10.0.0.0/255.0.255.0" is not an IPv4 subnet in CIDR form (like 192.168.56.0/24)',
    );
  });
});

describe('network list edits', () => {
  it('adds the next vmnetN on a free subnet, valid as a whole', () => {
    const next = addNetwork(base());
    expect(next.networks.at(-1)).toMatchObject({ name: 'vmnet2', type: 'hostonly', subnet: '192.168.57.0/24' });
    expect(validateDraft(next)).toEqual([]);
  });

  it('renames and removes', () => {
    const renamed = renameNetwork(base(), 1, 'lab', 'Lab network');
    expect(renamed.networks[1]).toMatchObject({ name: 'lab', label: 'Lab network' });
    expect(renameNetwork(renamed, 1, 'lab', '').networks[1]!.label).toBeUndefined();
    expect(removeNetwork(base(), 0).networks.map((n) => n.name)).toEqual(['vmnet1', 'vmnet8']);
  });

  it("switches types like VMware's radio buttons", () => {
    const nat = changeType(base(), 1, 'nat');
    expect(nat.networks[1]).toMatchObject({ type: 'nat', subnet: '192.168.56.0/24', nat: { gateway: '192.168.56.2', dns: true } });
    expect(validateDraft(nat)).toEqual([]);
    const bridged = changeType(base(), 2, 'bridged');
    expect(bridged.networks[2]).toEqual({ name: 'vmnet8', type: 'bridged', bridge: { uplink: 'auto' } });
    const routedAgain = changeType(changeType(base(), 0, 'hostonly'), 0, 'nat');
    expect(routedAgain.networks[0]).toMatchObject({ name: 'vmnet0', type: 'nat' });
    expect(validateDraft(routedAgain)).toEqual([]);
  });

  it("reports a second bridged network on the same uplink with the CLI's message", () => {
    const twice = changeType(base(), 1, 'bridged');
    expect(fieldError(validateDraft(twice), ['networks', 1, 'bridge', 'uplink'])).toBe(
      'uplink "auto" is already bridged by networks[0]; each uplink can be bridged by one network only',
    );
  });
});

describe('validation helpers', () => {
  it('validates a form value in the context of the whole draft', () => {
    const draft = base();
    const nat = (draft.networks[2] as NatNetwork).nat;
    const errors = validateWith(draft, ['networks', 2, 'nat'], { ...nat, gateway: '192.168.133.1' });
    expect(fieldError(errors, ['networks', 2, 'nat', 'gateway'])).toBe(
      'gateway 192.168.133.1 is also the host adapter address; the two must differ (VMware uses .2 for the gateway and .1 for the host)',
    );
    expect(draft.networks[2]).toEqual(base().networks[2]);
  });

  it('passes half-typed numbers through as text so the model names them', () => {
    expect(numberOrText(' 8080 ')).toBe(8080);
    expect(numberOrText('80a')).toBe('80a');
    expect(numberOrText('80.5')).toBe(80.5);
    const draft = base();
    const errors = validateWith(draft, ['networks', 2, 'nat', 'portForwards', 0], {
      protocol: 'tcp',
      hostPort: numberOrText('80a'),
      guestAddress: '192.168.133.5',
      guestPort: 80,
    });
    expect(fieldError(errors, ['networks', 2, 'nat', 'portForwards', 0, 'hostPort'])).toBe('must be a number, not the text "80a"');
  });

  it('lists findings no field shows', () => {
    const errors = [
      { path: ['networks', 1, 'subnet'], message: 'a' },
      { path: ['networks', 1, 'dhcp', 'reservations', 0, 'mac'], message: 'b' },
      { path: ['networks', 2, 'subnet'], message: 'c' },
    ];
    expect(otherErrors(errors, ['networks', 1], [['networks', 1, 'subnet']]).map((e) => e.message)).toEqual(['b']);
  });
});

describe('editor state', () => {
  it('stages edits, discards them and marks them applied', () => {
    const loaded = editorReducer(initialEditor, { type: 'loaded', config: base() });
    expect(loaded.selected).toBe(0);
    expect(isDirty(loaded)).toBe(false);
    const edited = editorReducer(loaded, { type: 'edit', draft: removeNetwork(base(), 2), select: 5 });
    expect(edited.selected).toBe(1);
    expect(isDirty(edited)).toBe(true);
    expect(isDirty(editorReducer(edited, { type: 'discard' }))).toBe(false);
    const applied = editorReducer(edited, { type: 'applied' });
    expect(isDirty(applied)).toBe(false);
    expect(applied.saved!.networks).toHaveLength(2);
  });

  it('treats shown defaults as not applied until Apply', () => {
    const defaults = editorReducer(initialEditor, { type: 'loaded', config: base(), stored: false });
    expect(isDirty(defaults)).toBe(true);
    expect(isDirty(editorReducer(defaults, { type: 'applied' }))).toBe(false);
  });
});

describe('IPv6 in the draft', () => {
  it("proposes VMware's prefix for vmnetNN with host ::1 and, on NAT, gateway ::2; a random ULA otherwise", () => {
    const nat = natNetwork('vmnet8', '192.168.133.0/24');
    expect(defaultIpv6(nat)).toEqual({
      prefix: 'fd15:4ba5:5a2b:1008::/64',
      hostAddress: 'fd15:4ba5:5a2b:1008::1',
      gateway: 'fd15:4ba5:5a2b:1008::2',
    });
    const lab = defaultIpv6({ ...nat, name: 'lab', type: 'hostonly' } as unknown as NatNetwork);
    expect(lab.prefix).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    expect(lab.gateway).toBeUndefined();
  });

  it('keeps IPv6 across a host-only ⇄ NAT switch, dropping and restoring the gateway, and the result validates', () => {
    const config = base();
    const vmnet8 = config.networks[2] as NatNetwork;
    config.networks[2] = { ...vmnet8, ipv6: defaultIpv6(vmnet8) };
    const hostOnly = changeType(config, 2, 'hostonly');
    expect(hostOnly.networks[2]).toMatchObject({ ipv6: { prefix: 'fd15:4ba5:5a2b:1008::/64' } });
    expect((hostOnly.networks[2] as NatNetwork).ipv6?.gateway).toBeUndefined();
    expect(validateDraft(hostOnly)).toEqual([]);
    const back = changeType(hostOnly, 2, 'nat');
    expect((back.networks[2] as NatNetwork).ipv6?.gateway).toBe('fd15:4ba5:5a2b:1008::2');
    expect(validateDraft(back)).toEqual([]);
  });
});

// @vitest-environment jsdom
// Each dialog's validation and staging: OK stays disabled while a field is
// invalid, the shared model's exact message shows next to the field, and OK
// hands back exactly what the user entered.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { defaultConfig, type Config, type NatNetwork } from '../../../src-shared/model';
import { PortForwardDialog } from '../../../src-renderer/src/editor/PortForwardDialog';
import { NatSettingsDialog } from '../../../src-renderer/src/editor/NatSettingsDialog';
import { DhcpSettingsDialog } from '../../../src-renderer/src/editor/DhcpSettingsDialog';
import { ReservationDialog } from '../../../src-renderer/src/editor/ReservationDialog';
import { AddNetworkDialog, RenameNetworkDialog } from '../../../src-renderer/src/editor/NetworkNameDialog';
import { AutomaticSettingsDialog } from '../../../src-renderer/src/editor/AutomaticSettingsDialog';
import { renderWithHost } from './render';
import { sampleAdapters } from './fake-host';

afterEach(cleanup);
// MUI under jsdom is slow on a busy machine; these tests click through whole dialogs.
vi.setConfig({ testTimeout: 90_000 });

const NAT = 2;
function config(): Config {
  const c = defaultConfig();
  (c.networks[NAT] as NatNetwork).nat.portForwards = [
    { protocol: 'tcp', hostPort: 8080, guestAddress: '192.168.133.50', guestPort: 80, description: 'web server' },
  ];
  return c;
}
const ok = () => screen.getByRole('button', { name: 'OK' });
const disabled = (element: HTMLElement) => (element as HTMLButtonElement).disabled;
const valueOf = (element: HTMLElement) => (element as HTMLInputElement).value;

describe('port forward dialog', () => {
  it("keeps OK disabled until every field is valid, and shows the model's messages next to the fields", async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    const c = config();
    renderWithHost(
      <PortForwardDialog
        config={c}
        networkIndex={NAT}
        nat={(c.networks[NAT] as NatNetwork).nat}
        forwardIndex={undefined}
        onOk={onOk}
        onCancel={() => {}}
      />,
    );
    expect(disabled(ok())).toBe(true);
    await user.type(screen.getByLabelText('Host port'), '70000');
    expect(screen.getByText('port 70000 is out of range; ports are 1-65535')).toBeTruthy();
    await user.clear(screen.getByLabelText('Host port'));
    await user.type(screen.getByLabelText('Host port'), '8080');
    expect(
      screen.getByText(
        'host port tcp/8080 is already forwarded by networks[2].nat.portForwards[0]; each protocol and host port can be forwarded once',
      ),
    ).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Type'), 'udp');
    expect(screen.queryByText(/already forwarded/)).toBeNull();
    await user.type(screen.getByLabelText('Virtual machine IP address'), '192.168.56.5');
    expect(screen.getByText("virtual machine address 192.168.56.5 is outside the network's subnet 192.168.133.0/24")).toBeTruthy();
    await user.clear(screen.getByLabelText('Virtual machine IP address'));
    await user.type(screen.getByLabelText('Virtual machine IP address'), '192.168.133.60');
    await user.type(screen.getByLabelText('Virtual machine port'), '53');
    await user.type(screen.getByLabelText('Description'), 'dns');
    expect(disabled(ok())).toBe(false);
    await user.click(ok());
    expect(onOk).toHaveBeenCalledWith({
      protocol: 'udp',
      hostPort: 8080,
      guestAddress: '192.168.133.60',
      guestPort: 53,
      description: 'dns',
    });
  });

  it('edits an existing forward without reporting it as its own duplicate', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    const c = config();
    renderWithHost(
      <PortForwardDialog
        config={c}
        networkIndex={NAT}
        nat={(c.networks[NAT] as NatNetwork).nat}
        forwardIndex={0}
        onOk={onOk}
        onCancel={() => {}}
      />,
    );
    expect(valueOf(screen.getByLabelText('Host port'))).toBe('8080');
    expect(disabled(ok())).toBe(false);
    await user.clear(screen.getByLabelText('Virtual machine port'));
    await user.type(screen.getByLabelText('Virtual machine port'), 'x');
    expect(screen.getByText('must be a number, not the text "x"')).toBeTruthy();
    expect(disabled(ok())).toBe(true);
  });
});

describe('NAT settings dialog', () => {
  it('adds, edits and removes port forwards and stages them only on OK', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    renderWithHost(<NatSettingsDialog config={config()} networkIndex={NAT} adapters={sampleAdapters} onOk={onOk} onCancel={() => {}} />);
    const table = screen.getByRole('table', { name: 'Port Forwarding' });
    expect(within(table).getByText('web server')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add…' }));
    await user.type(screen.getByLabelText('Host port'), '2222');
    await user.type(screen.getByLabelText('Virtual machine IP address'), '192.168.133.51');
    await user.type(screen.getByLabelText('Virtual machine port'), '22');
    await user.click(within(screen.getByRole('dialog', { name: 'Map Incoming Port' })).getByRole('button', { name: 'OK' }));
    expect(within(table).getByText('2222')).toBeTruthy();
    // The new forward is selected, so Remove and Properties… act on it.
    expect(disabled(screen.getByRole('button', { name: 'Properties…' }))).toBe(false);

    await user.click(within(table).getByText('web server'));
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    expect(within(table).queryByText('web server')).toBeNull();

    await user.click(screen.getByRole('switch', { name: 'DNS forwarding' }).closest('label')!);
    await user.click(within(screen.getByRole('dialog', { name: 'NAT Settings' })).getByRole('button', { name: 'OK' }));
    expect(onOk).toHaveBeenCalledWith({
      gateway: '192.168.133.2',
      uplink: 'auto',
      dns: false,
      portForwards: [{ protocol: 'tcp', hostPort: 2222, guestAddress: '192.168.133.51', guestPort: 22 }],
    });
  });

  it("rejects a gateway equal to the host address with the CLI's words", async () => {
    const user = userEvent.setup({ delay: null });
    renderWithHost(
      <NatSettingsDialog config={config()} networkIndex={NAT} adapters={sampleAdapters} onOk={() => {}} onCancel={() => {}} />,
    );
    const gateway = screen.getByLabelText('Gateway IP');
    await user.clear(gateway);
    await user.type(gateway, '192.168.133.1');
    expect(
      screen.getByText(
        'gateway 192.168.133.1 is also the host adapter address; the two must differ (VMware uses .2 for the gateway and .1 for the host)',
      ),
    ).toBeTruthy();
    expect(disabled(within(screen.getByRole('dialog', { name: 'NAT Settings' })).getByRole('button', { name: 'OK' }))).toBe(true);
  });
});

describe('DHCP settings dialog', () => {
  it('shows the broadcast address read-only and checks the range and lease time', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    renderWithHost(<DhcpSettingsDialog config={config()} networkIndex={NAT} onOk={onOk} onCancel={() => {}} />);
    expect(valueOf(screen.getByLabelText('Broadcast address'))).toBe('192.168.133.255');
    expect(screen.getByLabelText('Broadcast address').hasAttribute('readonly')).toBe(true);

    const start = screen.getByLabelText('Starting IP address');
    await user.clear(start);
    await user.type(start, '192.168.133.1');
    // Both of the model's findings for the field, joined.
    expect(
      screen.getByText(
        'DHCP range 192.168.133.1-192.168.133.254 contains the host adapter address 192.168.133.1; move the range or the host address; ' +
          'DHCP range 192.168.133.1-192.168.133.254 contains the gateway 192.168.133.2; move the range or the gateway',
      ),
    ).toBeTruthy();
    expect(disabled(ok())).toBe(true);
    await user.clear(start);
    await user.type(start, '192.168.133.100');

    const lease = screen.getByLabelText('Lease time (seconds)');
    await user.clear(lease);
    await user.type(lease, '60');
    expect(screen.getByText('lease time 60 s is out of range; allowed is 120 s (2 minutes) to 31536000 s (one year)')).toBeTruthy();
    await user.clear(lease);
    await user.type(lease, '3600');
    expect(screen.getByText('1 hour')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add' }));
    const dialog = screen.getByRole('dialog', { name: 'Add Reservation' });
    await user.type(within(dialog).getByLabelText('MAC address'), '52:54:00:aa:bb:cc');
    await user.type(within(dialog).getByLabelText('IP address'), '192.168.133.20');
    await user.type(within(dialog).getByLabelText('Hostname'), 'build');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(within(screen.getByRole('table', { name: 'Reservations' })).getByText('build')).toBeTruthy();

    await user.click(within(screen.getByRole('dialog', { name: 'DHCP Settings' })).getByRole('button', { name: 'OK' }));
    expect(onOk).toHaveBeenCalledWith(
      {
        enabled: true,
        rangeStart: '192.168.133.100',
        rangeEnd: '192.168.133.254',
        leaseSeconds: 3600,
        reservations: [{ mac: '52:54:00:aa:bb:cc', address: '192.168.133.20', hostname: 'build' }],
      },
      undefined,
    );
  });

  it('switches the range off (reservations only), sets the domain and network boot, checking each', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    renderWithHost(<DhcpSettingsDialog config={config()} networkIndex={NAT} onOk={onOk} onCancel={() => {}} />);
    await user.click(screen.getByLabelText(/Hand out addresses from a range/));
    expect(disabled(screen.getByLabelText('Starting IP address'))).toBe(true);
    // The range it had stays visible, to come back when switched on again.
    expect(valueOf(screen.getByLabelText('Starting IP address'))).toBe('192.168.133.128');

    const domain = screen.getByLabelText('Domain name');
    await user.type(domain, 'lab..example');
    expect(screen.getByText(/domain "lab..example" has an empty label/)).toBeTruthy();
    expect(disabled(ok())).toBe(true);
    await user.clear(domain);
    await user.type(domain, 'localdomain');

    await user.click(screen.getByLabelText(/Network boot/));
    const file = screen.getByLabelText('Boot file');
    expect(valueOf(file)).toBe('pxelinux.0');
    await user.clear(file);
    await user.type(file, 'a,b');
    expect(screen.getByText(/boot file "a,b" may contain only/)).toBeTruthy();
    await user.clear(file);
    await user.type(file, 'ipxe.efi');
    const server = screen.getByLabelText('Next server (TFTP)');
    await user.type(server, '10.0.0.5');
    expect(screen.getByText("boot server 10.0.0.5 is outside the network's subnet 192.168.133.0/24")).toBeTruthy();
    await user.clear(server);
    await user.type(server, '192.168.133.10');

    await user.click(ok());
    expect(onOk).toHaveBeenCalledWith(
      {
        enabled: true,
        leaseSeconds: 1800,
        reservations: (config().networks[NAT] as NatNetwork).dhcp.reservations,
        boot: { file: 'ipxe.efi', server: '192.168.133.10' },
      },
      'localdomain',
    );
  });
});

describe('reservation dialog', () => {
  it('refuses a multicast MAC and an address outside the subnet', async () => {
    const user = userEvent.setup({ delay: null });
    const c = config();
    renderWithHost(
      <ReservationDialog config={c} networkIndex={NAT} dhcp={(c.networks[NAT] as NatNetwork).dhcp} onOk={() => {}} onCancel={() => {}} />,
    );
    await user.type(screen.getByLabelText('MAC address'), '01:00:5e:00:00:01');
    expect(screen.getByText(/is not a unicast MAC address/)).toBeTruthy();
    await user.type(screen.getByLabelText('IP address'), '10.0.0.1');
    expect(screen.getByText("reserved address 10.0.0.1 is outside the network's subnet 192.168.133.0/24")).toBeTruthy();
    expect(disabled(ok())).toBe(true);
  });

  it('checks values filled in from a lease straight away', () => {
    const c = config();
    renderWithHost(
      <ReservationDialog
        config={c}
        networkIndex={NAT}
        dhcp={(c.networks[NAT] as NatNetwork).dhcp}
        initial={{ mac: '52:54:00:12:34:56', address: '192.168.133.2' }}
        onOk={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByText("address 192.168.133.2 is the gateway's address")).toBeTruthy();
    expect(disabled(ok())).toBe(true);
  });
});

describe('network name dialogs', () => {
  it('adds a network with the next free name and type', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    renderWithHost(<AddNetworkDialog config={config()} onOk={onOk} onCancel={() => {}} />);
    expect(valueOf(screen.getByLabelText('Network name'))).toBe('vmnet2');
    await user.selectOptions(screen.getByLabelText('Network type'), 'nat');
    await user.click(ok());
    const [next, index] = onOk.mock.calls[0]!;
    expect(index).toBe(3);
    expect(next.networks[3]).toMatchObject({ name: 'vmnet2', type: 'nat', subnet: '192.168.57.0/24' });
  });

  it('refuses names the kernel would refuse, or that are taken', async () => {
    const user = userEvent.setup({ delay: null });
    renderWithHost(<RenameNetworkDialog config={config()} index={1} onOk={() => {}} onCancel={() => {}} />);
    const name = screen.getByLabelText('Network name');
    await user.clear(name);
    await user.type(name, 'vmnet8');
    expect(screen.getByText('name "vmnet8" is already used by networks[1]; names must be unique')).toBeTruthy();
    await user.clear(name);
    await user.type(name, '1lab');
    expect(screen.getByText('network name "1lab" must start with a letter (it is also the bridge\'s interface name)')).toBeTruthy();
    expect(disabled(ok())).toBe(true);
  });
});

describe('automatic bridging settings', () => {
  it('stores unchecked adapters as exclusions', async () => {
    const user = userEvent.setup({ delay: null });
    const onOk = vi.fn();
    renderWithHost(<AutomaticSettingsDialog exclude={[]} adapters={sampleAdapters} onOk={onOk} onCancel={() => {}} />);
    await user.click(screen.getByRole('checkbox', { name: 'eth1' }));
    await user.click(ok());
    expect(onOk).toHaveBeenCalledWith(['eth1']);
  });
});

// @vitest-environment jsdom
// The whole editor against a fake window.vnet: staging, Apply with the plan and
// step-by-step progress, trials, Cancel, host errors, and the views beyond VMware.
import { beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../../src-renderer/src/App';
import { preloadParts } from '../../../src-renderer/src/components/lazyPart';
import type { NatNetwork } from '../../../src-shared/model';
import { createFakeHost, sampleLeases, type FakeHost } from './fake-host';

afterEach(cleanup);
// The dialogs' and views' code loaded up front, as the app does once the networks show, so no click waits for an import.
beforeAll(() => preloadParts());
// MUI under jsdom is slow on a busy machine; these tests click through whole dialogs.
vi.setConfig({ testTimeout: 90_000 });

const valueOf = (element: HTMLElement) => (element as HTMLInputElement).value;
const disabled = (element: HTMLElement) => (element as HTMLButtonElement).disabled;

async function openEditor(api: FakeHost = createFakeHost()) {
  const user = userEvent.setup({ delay: null });
  render(<App api={api} />);
  const table = await screen.findByRole('table', { name: 'Virtual networks' });
  await user.click(within(table).getByText('vmnet8'));
  return { user, api, table };
}

/** Replaces a field's text in one step (typing key by key is slow under jsdom and not what these tests are about). */
async function fill(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

const footerButton = (name: string) => within(screen.getByRole('contentinfo')).getByRole('button', { name });

describe('networks editor', () => {
  it("shows VMware's columns and the selected network's settings", async () => {
    const { table } = await openEditor();
    for (const header of ['Name', 'Type', 'External connection', 'Host connection', 'DHCP', 'Subnet address'])
      expect(within(table).getByRole('columnheader', { name: header })).toBeTruthy();
    expect(within(table).getByText('Auto-bridging')).toBeTruthy();
    expect((screen.getByRole('radio', { name: 'NAT' }) as HTMLInputElement).checked).toBe(true);
    expect(valueOf(screen.getByLabelText('Subnet IP'))).toBe('192.168.133.0');
    expect(valueOf(screen.getByLabelText('Subnet mask'))).toBe('255.255.255.0');
    expect((screen.getByLabelText('Connect a host virtual adapter to this network') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Use local DHCP service to distribute IP address to VMs') as HTMLInputElement).checked).toBe(true);
    expect(disabled(footerButton('Apply'))).toBe(true);
  });

  it('shows a bridged network the host left unconnected as "Not connected", with the reason', async () => {
    const reason = 'vmnet0 is not connected: "auto" found no usable uplink: the address of eth0 is managed by the DHCP client udhcpc';
    const { table } = await openEditor(createFakeHost({ unconnected: { vmnet0: reason } }));
    const row = within(table).getByText('vmnet0').closest('tr')!;
    expect(await within(row as HTMLElement).findByText('Not connected')).toBeTruthy();
    expect(within(row as HTMLElement).getByText(reason)).toBeTruthy();
    expect(within(table).queryByText('Auto-bridging')).toBeNull();
  });

  it("shows NetworkManager's view of a bridged network it keeps", async () => {
    const { table } = await openEditor(createFakeHost({ networkManager: { vmnet0: 'activated' } }));
    const row = within(table).getByText('vmnet0').closest('tr') as HTMLElement;
    expect(await within(row).findByText('through NetworkManager (profile vmnet0, activated)')).toBeTruthy();
    expect(within(row).getByText('Auto-bridging')).toBeTruthy();
  });

  it('moves default addresses with the subnet, stages it, and applies it with the plan and progress', async () => {
    const { user, api } = await openEditor();
    const subnetIp = screen.getByLabelText('Subnet IP');
    await user.clear(subnetIp);
    await user.type(subnetIp, '192.168.140.0');
    expect(valueOf(screen.getByLabelText('Host virtual adapter address'))).toBe('192.168.140.1');
    expect(screen.getByRole('tab', { name: 'Networks •' })).toBeTruthy();

    await user.click(footerButton('Apply'));
    const dialog = await screen.findByRole('dialog', { name: 'Apply changes' });
    expect(await within(dialog).findByText('Update settings of vmnet8')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Apply changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Apply changes' })).toBeNull());

    const applied = api.applied.networks[2] as NatNetwork;
    expect(applied.subnet).toBe('192.168.140.0/24');
    expect(applied.nat.gateway).toBe('192.168.140.2');
    expect(applied.dhcp.rangeStart).toBe('192.168.140.128');
    expect(api.calls.find((c) => c.channel === 'apply')!.request).toEqual({ config: api.applied });
    expect(disabled(footerButton('Apply'))).toBe(true);
    expect(screen.getByText('Applied 1 change.')).toBeTruthy();
  });

  it('shows an invalid subnet next to the field and keeps OK and Apply disabled', async () => {
    const { user } = await openEditor();
    const subnetIp = screen.getByLabelText('Subnet IP');
    await fill(user, subnetIp, '192.168.56.0');
    expect(
      screen.getByText('subnet 192.168.56.0/24 overlaps 192.168.56.0/24 of networks[1] ("vmnet1"); virtual networks must not overlap'),
    ).toBeTruthy();
    expect(disabled(footerButton('Apply'))).toBe(true);
    expect(disabled(footerButton('OK'))).toBe(true);

    await fill(user, screen.getByLabelText('Subnet mask'), '255.255.255.254');
    expect(screen.getByText('prefix /31 is not allowed; use a prefix from /8 to /30')).toBeTruthy();
  });

  it('edits the MTU in VMnet information, checked by the model, and applies it', async () => {
    const { user, api } = await openEditor();
    const mtu = screen.getByLabelText('MTU');
    expect(valueOf(mtu)).toBe('');
    await fill(user, mtu, '100');
    expect(screen.getByText('MTU 100 is out of range; allowed is 576 to 9000 bytes')).toBeTruthy();
    expect(disabled(footerButton('Apply'))).toBe(true);
    await fill(user, mtu, '1400');
    await user.click(footerButton('Apply'));
    const dialog = await screen.findByRole('dialog', { name: 'Apply changes' });
    await user.click(await within(dialog).findByRole('button', { name: 'Apply changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Apply changes' })).toBeNull());
    expect(api.applied.networks[2]).toMatchObject({ mtu: 1400 });
    // Emptying the field leaves the MTU out again (the kernel's 1500).
    await user.clear(screen.getByLabelText('MTU'));
    await user.click(footerButton('Apply'));
    await user.click(
      await within(await screen.findByRole('dialog', { name: 'Apply changes' })).findByRole('button', { name: 'Apply changes' }),
    );
    await waitFor(() => expect('mtu' in api.applied.networks[2]!).toBe(false));
  });

  it("switches IPv6 on with VMware's proposed prefix, edits the IPv6 gateway in NAT Settings, and applies both", async () => {
    const { user, api } = await openEditor();
    await user.click(screen.getByLabelText('IPv6 for the guests (SLAAC, NAT66)'));
    expect(valueOf(screen.getByLabelText('IPv6 prefix'))).toBe('fd15:4ba5:5a2b:1008::/64');
    expect(valueOf(screen.getByLabelText('Host IPv6 address'))).toBe('fd15:4ba5:5a2b:1008::1');
    await fill(user, screen.getByLabelText('IPv6 prefix'), 'fd15:4ba5:5a2b:1008::/48');
    expect(screen.getAllByText(/prefix length \/48 is not allowed/).length).toBeGreaterThan(0);
    expect(disabled(footerButton('Apply'))).toBe(true);
    await fill(user, screen.getByLabelText('IPv6 prefix'), 'fd15:4ba5:5a2b:1008::/64');
    await user.click(screen.getByRole('button', { name: 'NAT Settings…' }));
    const nat = await screen.findByRole('dialog', { name: 'NAT Settings' });
    const gateway6 = within(nat).getByLabelText('IPv6 gateway');
    expect(valueOf(gateway6)).toBe('fd15:4ba5:5a2b:1008::2');
    await fill(user, gateway6, 'fd15:4ba5:5a2b:1008::1');
    await user.tab();
    expect(within(nat).getAllByText(/also the host address/).length).toBeGreaterThan(0);
    expect(disabled(within(nat).getByRole('button', { name: 'OK' }))).toBe(true);
    await fill(user, gateway6, 'fd15:4ba5:5a2b:1008::fe');
    await user.click(within(nat).getByRole('button', { name: 'OK' }));
    await user.click(footerButton('Apply'));
    await user.click(
      await within(await screen.findByRole('dialog', { name: 'Apply changes' })).findByRole('button', { name: 'Apply changes' }),
    );
    await waitFor(() =>
      expect(api.applied.networks[2]).toMatchObject({
        ipv6: { prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::1', gateway: 'fd15:4ba5:5a2b:1008::fe' },
      }),
    );
  });

  it('picks networks with the keyboard', async () => {
    const { user, table } = await openEditor();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(document.activeElement).toBe(rows[2]);
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(rows[1]);
    expect((screen.getByRole('radio', { name: 'Host-only' }) as HTMLInputElement).checked).toBe(true);
    await user.keyboard('{ArrowUp}');
    expect((screen.getByRole('radio', { name: 'Bridged' }) as HTMLInputElement).checked).toBe(true);
    expect(rows[0]!.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog', { name: 'Rename Network' })).toBeTruthy();
  });

  it('lets the defaults be applied when nothing is stored yet', async () => {
    await openEditor(createFakeHost({ stored: false }));
    expect(screen.getByText('Default settings, not applied yet')).toBeTruthy();
    expect(disabled(footerButton('Apply'))).toBe(false);
  });

  it('discards staged changes with Cancel', async () => {
    const { user, table } = await openEditor();
    await user.click(screen.getByRole('button', { name: 'Remove Network' }));
    expect(within(table).queryByText('vmnet8')).toBeNull();
    await user.click(footerButton('Cancel'));
    expect(within(table).getByText('vmnet8')).toBeTruthy();
    expect(disabled(footerButton('Apply'))).toBe(true);
  });

  it('runs a risky plan as a trial and keeps it', async () => {
    const api = createFakeHost();
    const { user, table } = await openEditor(api);
    await user.click(within(table).getByText('vmnet0'));
    await user.click(screen.getByRole('button', { name: 'Remove Network' }));
    await user.click(screen.getByRole('button', { name: 'Add Network…' }));
    await fill(user, screen.getByLabelText('Network name'), 'lab0');
    await user.selectOptions(screen.getByLabelText('Network type'), 'bridged');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'OK' }));
    expect(within(table).getByText('lab0')).toBeTruthy();

    await user.click(footerButton('Apply'));
    const dialog = await screen.findByRole('dialog', { name: 'Apply changes' });
    expect(await within(dialog).findByText(/30-second trial/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Apply as trial' }));
    const trial = await screen.findByRole('dialog', { name: 'Keep these network changes?' });
    expect(api.calls.find((c) => c.channel === 'apply')!.request).toMatchObject({ trySeconds: 30 });
    await user.click(within(trial).getByRole('button', { name: 'Keep changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Keep these network changes?' })).toBeNull());
    expect(api.calls.some((c) => c.channel === 'confirmTrial')).toBe(true);
    expect(screen.getByText('Changes kept.')).toBeTruthy();
  });

  it("reverts a trial and shows the host's settings again", async () => {
    const api = createFakeHost({ plan: () => [{ op: 'enslave-uplink', description: 'Move eth0 into bridge vmnet8', risky: true }] });
    const { user } = await openEditor(api);
    await user.click(screen.getByLabelText('Use local DHCP service to distribute IP address to VMs'));
    await user.click(footerButton('Apply'));
    await user.click(await screen.findByRole('button', { name: 'Apply as trial' }));
    await user.click(await screen.findByRole('button', { name: 'Revert' }));
    await waitFor(() => expect(api.calls.filter((c) => c.channel === 'getConfig')).toHaveLength(2));
    expect(api.calls.some((c) => c.channel === 'revertTrial')).toBe(true);
    expect(await screen.findByText('The previous settings were put back.')).toBeTruthy();
    await waitFor(() =>
      expect((screen.getByLabelText('Use local DHCP service to distribute IP address to VMs') as HTMLInputElement).checked).toBe(true),
    );
  });

  it('shows step-by-step progress and a failure in plain words with what to do', async () => {
    const api = createFakeHost({
      failAtStep: 2,
      plan: () => [
        { op: 'create-bridge', description: 'Create bridge vmnet8' },
        { op: 'add-address', description: 'Add 192.168.133.1/24 to vmnet8' },
      ],
    });
    const { user } = await openEditor(api);
    await user.click(screen.getByLabelText('Connect a host virtual adapter to this network'));
    await user.click(footerButton('Apply'));
    await user.click(await screen.findByRole('button', { name: 'Apply changes' }));
    const dialog = screen.getByRole('dialog', { name: 'Apply changes' });
    expect(await within(dialog).findByText(/RTNETLINK answers: File exists; the host was rolled back/)).toBeTruthy();
    expect(within(dialog).getByText(/put back as it was/)).toBeTruthy();
    const progress = within(dialog).getByRole('list', { name: 'Progress' });
    expect(within(progress).getByText('2/2 Add 192.168.133.1/24 to vmnet8')).toBeTruthy();
    expect(within(progress).getByText('failed')).toBeTruthy();
    expect(within(progress).getByText('undone')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(disabled(footerButton('Apply'))).toBe(false);
  });

  it('explains a host that refuses to plan', async () => {
    const api = createFakeHost({ fail: { plan: 'elevation was cancelled by the user' } });
    const { user } = await openEditor(api);
    await user.click(screen.getByLabelText('Connect a host virtual adapter to this network'));
    await user.click(footerButton('Apply'));
    expect(await screen.findByText(/needs administrator rights/)).toBeTruthy();
  });

  it('edits NAT settings from the panel and stages them', async () => {
    const { user, api } = await openEditor();
    await user.click(screen.getByRole('button', { name: 'NAT Settings…' }));
    await user.click(screen.getByRole('button', { name: 'Add…' }));
    await fill(user, screen.getByLabelText('Host port'), '8080');
    await fill(user, screen.getByLabelText('Virtual machine IP address'), '192.168.133.50');
    await fill(user, screen.getByLabelText('Virtual machine port'), '80');
    await user.click(within(screen.getByRole('dialog', { name: 'Map Incoming Port' })).getByRole('button', { name: 'OK' }));
    await user.click(within(screen.getByRole('dialog', { name: 'NAT Settings' })).getByRole('button', { name: 'OK' }));
    expect(disabled(footerButton('Apply'))).toBe(false);
    expect(api.applied.networks[2]).toMatchObject({ nat: { portForwards: [] } });
  });

  it('restores defaults and imports a config file as staged changes', async () => {
    const { user, api, table } = await openEditor();
    await user.click(screen.getByRole('button', { name: 'Remove Network' }));
    await user.click(screen.getByRole('button', { name: 'Restore Defaults' }));
    expect(await within(table).findByText('vmnet8')).toBeTruthy();
    expect(api.calls.some((c) => c.channel === 'defaultConfig')).toBe(true);

    const config = {
      version: 1,
      networks: [
        {
          name: 'lab',
          type: 'hostonly',
          subnet: '10.9.0.0/24',
          hostAdapter: { enabled: true, address: '10.9.0.1' },
          dhcp: { enabled: false, rangeStart: '10.9.0.100', rangeEnd: '10.9.0.200' },
        },
      ],
    };
    await user.upload(
      screen.getByLabelText('Import settings file'),
      new File([JSON.stringify(config)], 'lab.json', { type: 'application/json' }),
    );
    expect(await within(table).findByText('lab')).toBeTruthy();
    expect(disabled(footerButton('Apply'))).toBe(false);

    await user.upload(screen.getByLabelText('Import settings file'), new File(['{"version":1,"networks":[{"name":"x"}]}'], 'bad.json'));
    const errors = await screen.findByRole('dialog', { name: 'Cannot import bad.json' });
    expect(within(errors).getByText(/networks\[0\]\.type: is missing/)).toBeTruthy();
  });
});

describe('views beyond VMware', () => {
  it('turns a lease into a staged reservation', async () => {
    const { user } = await openEditor();
    await user.click(screen.getByRole('tab', { name: 'Leases' }));
    const leases = await screen.findByRole('table', { name: 'DHCP leases' });
    const row = (await within(leases).findByText('192.168.133.130')).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: /Reserve this address/ }));
    const dialog = screen.getByRole('dialog', { name: 'Add Reservation' });
    expect(valueOf(within(dialog).getByLabelText('MAC address'))).toBe('52:54:00:12:34:56');
    expect(valueOf(within(dialog).getByLabelText('Hostname'))).toBe('web');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    const reserved = within(row).getByRole('button', { name: /^Address 192\.168\.133\.130 is reserved for / });
    expect(reserved.textContent).toBe('Reserved');
    expect((reserved as HTMLButtonElement).disabled).toBe(true);
    expect(within(row).queryByRole('button', { name: /Reserve this address/ })).toBeNull();
    expect(screen.getByRole('tab', { name: 'Networks •' })).toBeTruthy();
  });

  it("shows a lease's IPv6 addresses with its IPv4 address", async () => {
    const [web, ...rest] = sampleLeases;
    const leases = [{ ...web!, ipv6: ['fd15:4ba5:5a2b:1008:5054:ff:fe12:3456'] }, ...rest];
    const { user } = await openEditor(createFakeHost({ leases }));
    await user.click(screen.getByRole('tab', { name: 'Leases' }));
    const table = await screen.findByRole('table', { name: 'DHCP leases' });
    const cell = (await within(table).findByText('fd15:4ba5:5a2b:1008:5054:ff:fe12:3456')).closest('td')!;
    expect(within(cell).getByText('192.168.133.130')).toBeTruthy();
    // Only the lease whose MAC the neighbour table knows has one.
    const other = within(table).getByText('192.168.133.131').closest('td')!;
    expect(other.textContent).toBe('192.168.133.131');
  });

  it('asks before switching off the adapter with the default route, then runs it as a trial', async () => {
    const api = createFakeHost();
    const { user } = await openEditor(api);
    await user.click(screen.getByRole('tab', { name: 'Adapters' }));
    await user.click(await screen.findByRole('switch', { name: 'Switch adapter eth1 on/off' }));
    await waitFor(() => expect(api.calls.find((c) => c.channel === 'setAdapter')?.request).toEqual({ name: 'eth1', up: false }));

    act(() => api.emit('adapterRates', [{ name: 'eth0', rxBytesPerSecond: 2_000_000, txBytesPerSecond: 1000 }]));
    expect(screen.getByRole('img', { name: 'eth0 traffic: 2.0 MB/s in, 1.0 KB/s out' })).toBeTruthy();

    await user.click(screen.getByRole('switch', { name: 'Switch adapter eth0 on/off' }));
    const warning = screen.getByRole('dialog', { name: 'Switch off eth0?' });
    expect(within(warning).getByText(/carries this computer's default route/)).toBeTruthy();
    await user.click(within(warning).getByRole('button', { name: 'Switch off' }));
    await waitFor(() =>
      expect(api.calls.filter((c) => c.channel === 'setAdapter').at(-1)!.request).toEqual({ name: 'eth0', up: false, trySeconds: 30 }),
    );
    expect(await screen.findByRole('dialog', { name: 'Keep these network changes?' })).toBeTruthy();
  });

  it("restarts a service and shows the doctor's fixes", async () => {
    const api = createFakeHost();
    const { user } = await openEditor(api);
    await user.click(screen.getByRole('tab', { name: 'Services' }));
    await user.click(await screen.findByRole('button', { name: 'Restart NAT on vmnet8' }));
    await waitFor(() =>
      expect(api.calls.find((c) => c.channel === 'restartService')?.request).toEqual({ network: 'vmnet8', service: 'nat' }),
    );
    expect(await screen.findByText(/sysctl -w net.ipv4.ip_forward=1/)).toBeTruthy();
  });

  it('draws the topology with guests from the leases', async () => {
    const { user } = await openEditor();
    await user.click(screen.getByRole('tab', { name: 'Topology' }));
    expect(await screen.findByRole('img', { name: 'Topology: 3 networks, 3 guests with leases' })).toBeTruthy();
    expect(screen.getByText('web')).toBeTruthy();
  });
});

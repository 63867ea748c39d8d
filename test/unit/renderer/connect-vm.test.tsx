// @vitest-environment jsdom
// "Connect a Virtual Machine…": exact snippets per hypervisor, which hypervisors see the
// network, and the bridge helper consent that goes to the host.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../../src-renderer/src/App';
import { vmSnippets } from '../../../src-renderer/src/state/vm-snippets';
import { createFakeHost } from './fake-host';

afterEach(cleanup);
vi.setConfig({ testTimeout: 90_000 });

describe('VM snippets', () => {
  it('name the libvirt network where libvirt lists it, and the bridge otherwise', () => {
    const withLibvirt = Object.fromEntries(vmSnippets('vmnet8', true).map((s) => [s.id, s]));
    expect(withLibvirt['domain-xml']!.text).toBe(
      "<interface type='network'>\n  <source network='vmnet8'/>\n  <model type='virtio'/>\n</interface>",
    );
    expect(withLibvirt['virt-install']!.text).toBe('--network network=vmnet8,model=virtio');
    expect(withLibvirt['virt-manager']!.how).toContain("Virtual network 'vmnet8'");
    expect(withLibvirt.virtualbox!.text).toBe('VBoxManage modifyvm VM --nic1 bridged --bridgeadapter1 vmnet8');
    expect(withLibvirt.qemu!.text).toBe('qemu-system-x86_64 … -netdev bridge,id=net0,br=vmnet8 -device virtio-net-pci,netdev=net0');
    const bare = Object.fromEntries(vmSnippets('vmnet1', false).map((s) => [s.id, s]));
    expect(bare['domain-xml']!.text).toContain("<source bridge='vmnet1'/>");
    expect(bare['virt-install']!.text).toBe('--network bridge=vmnet1,model=virtio');
    expect(bare['gnome-boxes']!.text).toBe('virsh -c qemu:///session attach-interface BOX bridge vmnet1 --model virtio --config');
  });
});

describe('Connect a Virtual Machine dialog', () => {
  it('shows what each hypervisor sees, copyable snippets, and asks the host for the bridge helper consent', async () => {
    const api = createFakeHost({ hypervisors: true });
    const user = userEvent.setup({ delay: null });
    render(<App api={api} />);
    const table = await screen.findByRole('table', { name: 'Virtual networks' });
    await user.click(within(table).getByText('vmnet8'));
    // The live status arrives on its own; the dialog reads it when it opens.
    await waitFor(() => expect(api.calls.some((c) => c.channel === 'status')).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Connect a Virtual Machine…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a Virtual Machine to vmnet8' });
    const hypervisors = within(dialog).getByRole('list', { name: 'Hypervisors' });
    expect(hypervisors.textContent).toContain('sees it — libvirt network vmnet8 on qemu:///system');
    expect(within(dialog).getByTestId('snippet-virt-install').textContent).toBe('--network network=vmnet8,model=virtio');
    const consent = within(dialog).getByRole('checkbox', { name: /Let QEMU's bridge helper/ });
    expect((consent as HTMLInputElement).checked).toBe(false);
    await user.click(consent);
    await waitFor(() => expect(api.calls.find((c) => c.channel === 'setBridgeHelper')?.request).toEqual({ allowed: true }));
    await waitFor(() =>
      expect((within(dialog).getByRole('checkbox', { name: /Let QEMU's bridge helper/ }) as HTMLInputElement).checked).toBe(true),
    );
  });
});

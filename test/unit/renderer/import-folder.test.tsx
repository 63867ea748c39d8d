// @vitest-environment jsdom
// Import… in the browser: a single file, or VMware's settings folder, of which only
// networking, vmnetN/nat/nat.conf and vmnetN/dhcpd/dhcpd.conf are read and sent.
import { beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../../src-renderer/src/App';
import { preloadParts } from '../../../src-renderer/src/components/lazyPart';
import { folderFiles } from '../../../src-renderer/src/editor/importExport';
import { FOLDER_LIMITS } from '../../../src-shared/ipc/contract';
import { createFakeHost } from './fake-host';

afterEach(cleanup);
// The dialogs' and views' code loaded up front, as the app does once the networks show, so no click waits for an import.
beforeAll(() => preloadParts());
vi.setConfig({ testTimeout: 90_000 });

/** A file picked in a folder: the browser sets webkitRelativePath to "folder/…/name". */
function picked(relativePath: string, text: string): File {
  const file = new File([text], relativePath.split('/').pop()!);
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

const etcVmware = () => [
  picked('etc-vmware/networking', 'answer VNET_8_NAT yes\n'),
  picked('etc-vmware/vmnet8/nat/nat.conf', '[incomingtcp]\n8080 = 192.168.133.50:80\n'),
  picked('etc-vmware/vmnet8/dhcpd/dhcpd.conf', 'host web { hardware ethernet 52:54:00:12:34:56; fixed-address 192.168.133.50; }\n'),
  picked('etc-vmware/vmnet8/dhcpd/dhcpd.leases', 'lease 192.168.133.130 {}\n'),
  picked('etc-vmware/vmnet8/nat.mac', '00:50:56:ee:ee:ee\n'),
  picked('etc-vmware/license-ws-170', 'secret\n'),
];

describe('folderFiles', () => {
  it('keeps only the settings files, relative to the folder', async () => {
    const { folder, files } = await folderFiles(etcVmware());
    expect(folder).toBe('etc-vmware');
    expect(Object.keys(files).sort()).toEqual(['networking', 'vmnet8/dhcpd/dhcpd.conf', 'vmnet8/nat/nat.conf']);
    expect(files['vmnet8/nat/nat.conf']).toMatch(/8080 = 192\.168\.133\.50:80/);
  });

  it('refuses a folder without networking, and files too large to be settings', async () => {
    await expect(folderFiles([picked('vms/win10/win10.vmx', 'x')])).rejects.toThrow(/vms has no "networking" file/);
    const big = picked('etc-vmware/vmnet8/nat/nat.conf', 'x'.repeat(FOLDER_LIMITS.fileBytes + 1));
    await expect(folderFiles([picked('etc-vmware/networking', ''), big])).rejects.toThrow(/vmnet8\/nat\/nat\.conf is \d+ bytes/);
  });
});

describe('Import… in the browser', () => {
  it("offers a file or a folder, and sends the folder's settings files to the host", async () => {
    const api = createFakeHost();
    const user = userEvent.setup({ delay: null });
    render(<App api={api} />);
    await screen.findByRole('table', { name: 'Virtual networks' });
    await user.click(within(screen.getByRole('contentinfo')).getByRole('button', { name: 'Import…' }));
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: /Settings file/ })).toBeTruthy();
    await user.click(within(menu).getByRole('menuitem', { name: /VMware settings folder/ }));

    const input = screen.getByLabelText('Import settings folder') as HTMLInputElement;
    expect(input.hasAttribute('webkitdirectory')).toBe(true);
    await user.upload(input, etcVmware());
    expect(await screen.findByText(/^Imported etc-vmware\. Review the networks/)).toBeTruthy();
    const request = api.calls.find((c) => c.channel === 'importConfig')!.request as { from: string; files: Record<string, string> };
    expect(request).toMatchObject({ from: 'vmware', fileName: 'etc-vmware' });
    expect(Object.keys(request.files).sort()).toEqual(['networking', 'vmnet8/dhcpd/dhcpd.conf', 'vmnet8/nat/nat.conf']);
  });

  it("says what is wrong with a folder that is not VMware's, without asking the host", async () => {
    const api = createFakeHost();
    const user = userEvent.setup({ delay: null });
    render(<App api={api} />);
    await screen.findByRole('table', { name: 'Virtual networks' });
    await user.upload(screen.getByLabelText('Import settings folder') as HTMLInputElement, [picked('Documents/notes.txt', 'hi')]);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Documents has no "networking" file/);
    expect(api.calls.some((c) => c.channel === 'importConfig')).toBe(false);
  });
});

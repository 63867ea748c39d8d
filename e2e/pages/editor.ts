// The editor window as a person sees it: the view tabs, VMware's networks table and
// "VMnet information" panel, the OK/Cancel/Apply footer, and the other views.
import fs from 'node:fs';
import path from 'node:path';
import { expect, type ElectronApplication, type Locator, type Page } from '@playwright/test';
import type { FrontDoor } from '../lib/lab';
import {
  AddNetworkDialog,
  ApplyDialog,
  AutomaticSettingsDialog,
  DhcpSettingsDialog,
  NatSettingsDialog,
  RenameNetworkDialog,
  TrialDialog,
} from './dialogs';
import { AdaptersView, LeasesView, ServicesView, TopologyView } from './views';

export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

export type ViewName = 'Networks' | 'Leases' | 'Adapters' | 'Services' | 'Topology';

export class EditorPage {
  constructor(
    readonly page: Page,
    readonly frontDoor: FrontDoor,
    private readonly electron?: ElectronApplication,
  ) {}

  async waitUntilLoaded(): Promise<void> {
    await expect(this.networks).toBeVisible({ timeout: 30_000 });
  }

  /** Saves a picture of the whole window under e2e/artifacts (one per view and dialog). */
  async screenshot(name: string): Promise<void> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const prefix = this.frontDoor === 'web' ? '' : `${this.frontDoor}-`;
    // Let MUI's enter transitions finish so the picture shows the settled dialog.
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${prefix}${name}.png`) });
  }

  tab(name: ViewName): Locator {
    return this.page.getByRole('tab', { name: new RegExp(`^${name}`) });
  }

  async open(name: ViewName): Promise<void> {
    await this.tab(name).click();
    await expect(this.tab(name)).toHaveAttribute('aria-selected', 'true');
  }

  async leases(): Promise<LeasesView> {
    await this.open('Leases');
    return new LeasesView(this.page);
  }

  async adapters(): Promise<AdaptersView> {
    await this.open('Adapters');
    return new AdaptersView(this.page);
  }

  async services(): Promise<ServicesView> {
    await this.open('Services');
    return new ServicesView(this.page);
  }

  async topology(): Promise<TopologyView> {
    await this.open('Topology');
    return new TopologyView(this.page);
  }

  // --- Networks view -------------------------------------------------------

  get networks(): Locator {
    return this.page.getByRole('table', { name: 'Virtual networks' });
  }

  networkRow(name: string): Locator {
    return this.networks.getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: true }) });
  }

  /** The networks table as text rows: [Name, Type, External connection, Host connection, DHCP, Subnet address]. */
  async networkRows(): Promise<string[][]> {
    const rows = this.networks.getByRole('row');
    const out: string[][] = [];
    for (const row of await rows.all()) out.push((await row.getByRole('cell').allInnerTexts()).map((t) => t.trim()));
    return out.filter((cells) => cells.length > 0);
  }

  async selectNetwork(name: string): Promise<void> {
    await this.networkRow(name).click();
    await expect(this.networkRow(name)).toHaveAttribute('aria-selected', 'true');
  }

  get info(): Locator {
    return this.page.getByRole('region', { name: 'VMnet information' });
  }

  infoField(label: string): Locator {
    return this.info.getByLabel(label, { exact: true });
  }

  async setType(type: 'Bridged' | 'NAT' | 'Host-only'): Promise<void> {
    await this.info.getByRole('radio', { name: type, exact: true }).check();
  }

  get hostAdapter(): Locator {
    return this.info.getByRole('checkbox', { name: 'Connect a host virtual adapter to this network' });
  }

  get useDhcp(): Locator {
    return this.info.getByRole('checkbox', { name: 'Use local DHCP service to distribute IP address to VMs' });
  }

  async setSubnet(subnetIp: string, mask?: string): Promise<void> {
    await this.infoField('Subnet IP').fill(subnetIp);
    if (mask !== undefined) await this.infoField('Subnet mask').fill(mask);
  }

  async natSettings(): Promise<NatSettingsDialog> {
    await this.info.getByRole('button', { name: 'NAT Settings…' }).click();
    return new NatSettingsDialog(this.page).waitOpen();
  }

  async dhcpSettings(): Promise<DhcpSettingsDialog> {
    await this.info.getByRole('button', { name: 'DHCP Settings…' }).click();
    return new DhcpSettingsDialog(this.page).waitOpen();
  }

  async automaticSettings(): Promise<AutomaticSettingsDialog> {
    await this.info.getByRole('button', { name: 'Automatic Settings…' }).click();
    return new AutomaticSettingsDialog(this.page).waitOpen();
  }

  async addNetwork(): Promise<AddNetworkDialog> {
    await this.page.getByRole('button', { name: 'Add Network…' }).click();
    return new AddNetworkDialog(this.page).waitOpen();
  }

  async renameNetwork(): Promise<RenameNetworkDialog> {
    await this.page.getByRole('button', { name: 'Rename Network…' }).click();
    return new RenameNetworkDialog(this.page).waitOpen();
  }

  get okButton(): Locator {
    return this.page.getByRole('button', { name: 'OK', exact: true });
  }

  get cancelButton(): Locator {
    return this.page.getByRole('button', { name: 'Cancel', exact: true });
  }

  get applyButton(): Locator {
    return this.page.getByRole('button', { name: 'Apply', exact: true });
  }

  /** The summary of staged problems that have no field on screen. */
  get problems(): Locator {
    return this.page.getByRole('alert', { name: 'Problems in the staged settings' });
  }

  /** The footer's status line ("2 problems to fix", "Changes not applied yet"). */
  get status(): Locator {
    return this.page.getByRole('status').filter({ hasText: /./ });
  }

  /** Opens Apply and returns its dialog (the plan shows first). */
  async startApply(): Promise<ApplyDialog> {
    await this.applyButton.click();
    return new ApplyDialog(this.page).waitOpen();
  }

  /** Apply, review, confirm: returns the planned steps in words. */
  async apply(screenshot?: string): Promise<string[]> {
    const dialog = await this.startApply();
    const steps = await dialog.planned();
    if (screenshot) await this.screenshot(screenshot);
    await dialog.confirm();
    await expect(this.notice(/^Applied \d+ changes?\.$|already matched/)).toBeVisible();
    return steps;
  }

  trialDialog(): TrialDialog {
    return new TrialDialog(this.page);
  }

  /** A notice in the snackbar. */
  notice(text: string | RegExp): Locator {
    return this.page.getByRole('alert').filter({ hasText: text });
  }

  /** Import…: picks `file` in the browser's file chooser (or the desktop's Open dialog). */
  async importFile(file: string): Promise<void> {
    const button = this.page.getByRole('button', { name: 'Import…' });
    if (this.electron) {
      await this.electron.evaluate(({ dialog }, picked) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [picked] })) as unknown as typeof dialog.showOpenDialog;
      }, file);
      await button.click();
      return;
    }
    // The browser's Import… asks: a file, or a settings folder.
    await button.click();
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('menuitem', { name: /^Settings file/ }).click();
    await (await chooser).setFiles(file);
  }

  /** Import… of a VMware settings folder (the browser's folder picker; Chromium takes a directory path). */
  async importFolder(folder: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Import…' }).click();
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('menuitem', { name: /^VMware settings folder/ }).click();
    await (await chooser).setFiles(folder);
  }
}

// Page objects for the views beyond VMware's editor: Leases, Adapters, Services, Topology.
import { expect, type Locator, type Page } from '@playwright/test';
import { ReservationDialog, TrialDialog } from './dialogs';

export class LeasesView {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'DHCP leases' });
  }

  row(address: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name: address, exact: true }) });
  }

  reserveButton(address: string): Locator {
    return this.row(address).getByRole('button', { name: /^Reserve this address/ });
  }

  /** "Reserve this address" on the lease of `address`: the reservation dialog, filled in from the lease. */
  async reserve(address: string): Promise<ReservationDialog> {
    await this.reserveButton(address).click();
    return new ReservationDialog(this.page).waitOpen();
  }
}

export class AdaptersView {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Host adapters' });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  switchOf(name: string): Locator {
    return this.page.getByLabel(`Switch adapter ${name} on/off`, { exact: true });
  }

  /** Flips the adapter's switch and waits until the view shows the new state. */
  async setOn(name: string, on: boolean): Promise<void> {
    const control = this.switchOf(name);
    await expect(control).toBeChecked({ checked: !on });
    // The switch shows the host's state: it flips once the host has switched the adapter.
    await control.click();
    await expect(control).toBeChecked({ checked: on });
    await expect(control).toBeEnabled();
  }

  /** The warning dialog before switching off a risky adapter (default route, bridged uplink). */
  switchOffWarning(name: string): Locator {
    return this.page.getByRole('dialog', { name: `Switch off ${name}?` });
  }

  trialDialog(): TrialDialog {
    return new TrialDialog(this.page);
  }
}

export class ServicesView {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Services' });
  }

  /** The row of one service ('DHCP' or 'NAT') of a network. */
  row(network: string, service: 'DHCP' | 'NAT'): Locator {
    return this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: network, exact: true }) })
      .filter({ has: this.page.getByRole('cell', { name: service, exact: true }) });
  }

  async restart(network: string, service: 'DHCP' | 'NAT'): Promise<void> {
    await this.page.getByRole('button', { name: `Restart ${service} on ${network}` }).click();
  }

  async checkAgain(): Promise<void> {
    await this.page.getByRole('button', { name: 'Check again' }).click();
  }

  /** The doctor's findings shown for a network (alerts starting with "network: check"). */
  finding(network: string, text: string | RegExp = /./): Locator {
    return this.page
      .getByRole('alert')
      .filter({ hasText: new RegExp(`^${network}: `) })
      .filter({ hasText: text });
  }

  get allPassed(): Locator {
    return this.page.getByRole('alert').filter({ hasText: /^All \d+ checks passed\.$/ });
  }
}

export class TopologyView {
  constructor(readonly page: Page) {}

  get picture(): Locator {
    return this.page.getByRole('img', { name: /^Topology:/ });
  }
}

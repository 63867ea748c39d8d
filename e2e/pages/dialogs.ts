// Page objects for the editor's dialogs, found by their accessible names and labels
// (the same words VMware's Virtual Network Editor uses).
import { expect, type Locator, type Page } from '@playwright/test';

/** Something shown in a modal dialog with an OK button. */
abstract class Dialog {
  readonly root: Locator;

  constructor(
    readonly page: Page,
    name: string | RegExp,
  ) {
    this.root = page.getByRole('dialog', { name });
  }

  get okButton(): Locator {
    return this.root.getByRole('button', { name: 'OK', exact: true });
  }

  field(label: string): Locator {
    return this.root.getByLabel(label, { exact: true });
  }

  async fill(label: string, value: string): Promise<void> {
    const field = this.field(label);
    await field.fill(value);
    // Leaving a field marks it touched, as a person tabbing on would.
    await field.blur();
  }

  async ok(): Promise<void> {
    await this.okButton.click();
    await expect(this.root).toBeHidden();
  }

  async cancel(): Promise<void> {
    await this.root.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(this.root).toBeHidden();
  }

  async waitOpen(): Promise<this> {
    await expect(this.root).toBeVisible();
    return this;
  }

  /** The message shown next to a field (its accessible description), checked by expect. */
  async expectFieldError(label: string, message: string | RegExp): Promise<void> {
    const field = this.field(label);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(message);
  }
}

export class PortForwardDialog extends Dialog {
  constructor(page: Page) {
    super(page, /^(Map Incoming Port|Port Forward Properties)$/);
  }

  async fillForward(forward: {
    hostPort: number | string;
    type?: 'TCP' | 'UDP';
    address: string;
    guestPort: number | string;
    description?: string;
  }) {
    await this.fill('Host port', String(forward.hostPort));
    if (forward.type) await this.field('Type').selectOption({ label: forward.type });
    await this.fill('Virtual machine IP address', forward.address);
    await this.fill('Virtual machine port', String(forward.guestPort));
    if (forward.description !== undefined) await this.fill('Description', forward.description);
  }
}

export class NatSettingsDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'NAT Settings');
  }

  get forwards(): Locator {
    return this.root.getByRole('table', { name: 'Port Forwarding' });
  }

  async addForward(): Promise<PortForwardDialog> {
    await this.root.getByRole('button', { name: 'Add…' }).click();
    return new PortForwardDialog(this.page).waitOpen();
  }
}

export class ReservationDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Add Reservation');
  }

  async fillReservation(r: { mac: string; address: string; hostname?: string }): Promise<void> {
    await this.fill('MAC address', r.mac);
    await this.fill('IP address', r.address);
    if (r.hostname !== undefined) await this.fill('Hostname', r.hostname);
  }
}

export class DhcpSettingsDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'DHCP Settings');
  }

  get reservations(): Locator {
    return this.root.getByRole('table', { name: 'Reservations' });
  }

  async addReservation(): Promise<ReservationDialog> {
    await this.root.getByRole('button', { name: 'Add', exact: true }).click();
    return new ReservationDialog(this.page).waitOpen();
  }
}

export class AddNetworkDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Add a Virtual Network');
  }

  async fillNetwork(name: string, type: 'Host-only' | 'NAT' | 'Bridged'): Promise<void> {
    await this.fill('Network name', name);
    await this.field('Network type').selectOption({ label: type });
  }
}

export class RenameNetworkDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Rename Network');
  }
}

export class AutomaticSettingsDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Automatic Bridging Settings');
  }
}

/** Apply: the plan in words, then progress; a risky plan runs as a trial. */
export class ApplyDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Apply changes');
  }

  get plan(): Locator {
    return this.root.getByRole('list', { name: 'Planned changes' });
  }

  get confirmButton(): Locator {
    return this.root.getByRole('button', { name: /^Apply (changes|as trial)$/ });
  }

  get failure(): Locator {
    return this.root.getByRole('alert').filter({ hasText: 'The changes were not applied' });
  }

  /** Waits for the plan and returns its steps in words. */
  async planned(): Promise<string[]> {
    await expect(this.confirmButton.or(this.failure)).toBeVisible({ timeout: 30_000 });
    await this.throwIfFailed();
    return this.plan.getByRole('listitem').allInnerTexts();
  }

  private async throwIfFailed(): Promise<void> {
    if (await this.failure.isVisible()) throw new Error(`Apply failed in the editor: ${await this.failure.innerText()}`);
  }

  /** Confirms the plan and waits until the dialog is gone (applied), or throws with the failure it shows. */
  async confirm(): Promise<void> {
    await this.confirmButton.click();
    await expect(async () => {
      if (await this.failure.isVisible()) return;
      expect(await this.root.isVisible(), 'the Apply dialog is still open').toBe(false);
    }).toPass({ timeout: 90_000 });
    await this.throwIfFailed();
  }
}

/** The countdown after a risky change. */
export class TrialDialog extends Dialog {
  constructor(page: Page) {
    super(page, 'Keep these network changes?');
  }

  async secondsLeft(): Promise<number> {
    const text = await this.root.getByText(/undone by themselves in/).innerText();
    return Number(/in\s+(\d+)\s+seconds/.exec(text)?.[1] ?? NaN);
  }

  async keep(): Promise<void> {
    await this.root.getByRole('button', { name: 'Keep changes' }).click();
    await expect(this.root).toBeHidden({ timeout: 30_000 });
  }

  async revert(): Promise<void> {
    await this.root.getByRole('button', { name: 'Revert' }).click();
    await expect(this.root).toBeHidden({ timeout: 60_000 });
  }
}

// Code the editor loads after its first screen, held back by the test: a click made while it
// is missing must not be lost. Used for the dialogs' chunk and for the editor's code proper.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { AddNetworkDialog } from '../pages/dialogs';
import type { EditorPage } from '../pages/editor';

export interface HeldBack {
  /** Resolves once the browser has asked for the held-back code. */
  requested: Promise<void>;
  /** Lets it through. */
  release: () => void;
}

/** Holds back the answers to requests whose URL matches `pattern` (call before the page loads). */
export async function holdBack(page: Page, pattern: RegExp): Promise<HeldBack> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const requested = new Promise<void>((resolve) => (asked = resolve));
  await page.route(pattern, async (route) => {
    asked();
    await released;
    await route.continue();
  });
  return { requested, release };
}

/** Clicks Add Network… while `held` is missing, then lets it through: the dialog opens, and the network added there shows. */
export async function addNetworkClickedEarly(editor: EditorPage, held: HeldBack): Promise<void> {
  await editor.page.getByRole('button', { name: 'Add Network…' }).click();
  const add = new AddNetworkDialog(editor.page);
  await expect(add.root).toBeHidden();
  held.release();
  await add.waitOpen();
  await add.fillNetwork('vmnet5', 'Host-only');
  await add.ok();
  await expect(editor.networkRow('vmnet5')).toBeVisible();
}

// @vitest-environment jsdom
// The first screen `vnet serve` draws into the page (firstScreen.tsx) and the editor's code
// taking it over (boot.tsx): React hydrates the very elements the server drew, finding
// nothing different (React's development build reports any difference, attributes too);
// and a click on the drawn screen before the code has arrived is held and given again once
// it has (earlyClicks.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { boot } from '../../../src-renderer/src/boot';
import { holdEarlyClicks } from '../../../src-renderer/src/earlyClicks';
import { renderFirstScreen } from '../../../src-renderer/src/firstScreen';
import { createFakeHost } from './fake-host';

// The dialogs' code (MUI) is not loaded up front, as on a page just served: the replayed click loads it, which takes seconds under jsdom.
vi.setConfig({ testTimeout: 90_000 });

afterEach(() => {
  document.body.replaceChildren();
  delete window.vnet;
  vi.restoreAllMocks();
});

/** The page as `vnet serve` sends it: the drawn first screen in an inert root, the settings in their data block. */
async function servedPage() {
  const api = createFakeHost();
  const loaded = await api.getConfig();
  const root = document.createElement('div');
  root.id = 'root';
  root.inert = true;
  root.innerHTML = renderFirstScreen(loaded);
  const block = document.createElement('script');
  block.type = 'application/json';
  block.id = 'vnet-first-config';
  block.textContent = JSON.stringify({ ok: true, result: loaded });
  document.body.append(root, block);
  window.vnet = api;
  return { api, root };
}

describe("the first screen vnet serve draws, and the editor's code taking it over", () => {
  it('draws the networks table and the buttons from the settings, with no script of its own', async () => {
    const { root } = await servedPage();
    const table = within(root).getByRole('table', { name: 'Virtual networks', hidden: true });
    for (const name of ['vmnet0', 'vmnet1', 'vmnet8']) expect(within(table).getByText(name)).toBeTruthy();
    expect(within(root).getByRole('button', { name: 'Add Network…', hidden: true })).toBeTruthy();
    expect(root.querySelector('script')).toBeNull();
  });

  it('hydrates the drawn elements themselves, and React finds nothing different', async () => {
    const { root } = await servedPage();
    const errors = vi.spyOn(console, 'error');
    const drawnTable = root.querySelector('table');
    const drawnAdd = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Add Network…');
    root.inert = false;
    await act(() => boot(root, true));
    await waitFor(() => expect(screen.getByRole('row', { name: /vmnet8/ })).toBeTruthy());
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    // The same nodes: hydrated, not drawn again.
    expect(root.querySelector('table')).toBe(drawnTable);
    expect(screen.getByRole('button', { name: 'Add Network…' })).toBe(drawnAdd);
  });

  it('holds a click on Add Network… made before the code arrived, and opens the dialog once it has', async () => {
    const { root, api } = await servedPage();
    const asked = api.calls.length;
    const clicks = holdEarlyClicks(document);
    root.inert = false;
    const add = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Add Network…')!;
    add.click();
    // Nothing can answer it yet, and nothing did.
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls).toHaveLength(asked);
    await act(() => boot(root, true, clicks));
    expect(await screen.findByRole('dialog', { name: 'Add a Virtual Network' }, { timeout: 30_000 })).toBeTruthy();
    // Held once, given once: a later click reaches the editor directly.
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
  });

  it('draws the editor itself on a page that came without a first screen (the desktop app)', async () => {
    const api = createFakeHost();
    const root = document.createElement('div');
    root.id = 'root';
    document.body.append(root);
    window.vnet = api;
    await act(() => boot(root, false));
    expect(await screen.findByRole('table', { name: 'Virtual networks' })).toBeTruthy();
  });
});

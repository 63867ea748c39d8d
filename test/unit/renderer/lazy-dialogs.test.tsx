// @vitest-environment jsdom
// The dialogs' code (with MUI) loads after the first screen. A click on a button that
// opens a dialog before that code has arrived opens the dialog once it arrives; a chunk
// (the dialogs' state is set only once their code is here).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../../src-renderer/src/App';
import { createFakeHost } from './fake-host';

// The dialogs' module, held back until the test lets it load.
const gate = vi.hoisted(() => {
  let open!: () => void;
  return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
});
vi.mock('../../../src-renderer/src/editor/dialogs', async (importOriginal) => {
  await gate.opened;
  return importOriginal();
});

afterEach(cleanup);
vi.setConfig({ testTimeout: 90_000 });

describe('dialogs loaded after the first screen', () => {
  it('opens Add Network… clicked before the dialogs arrived, once they arrive', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App api={createFakeHost()} />);
    const table = await screen.findByRole('table', { name: 'Virtual networks' });
    await user.click(screen.getByRole('button', { name: 'Add Network…' }));
    // Its code has not arrived: nothing shows yet, and the click is not lost.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('dialog')).toBeNull();
    gate.open();
    // The real module's first import (MUI under jsdom) can take seconds on a busy machine.
    const dialog = await screen.findByRole('dialog', { name: 'Add a Virtual Network' }, { timeout: 30_000 });
    const name = within(dialog).getByLabelText('Network name');
    await user.clear(name);
    await user.type(name, 'vmnet5');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(table).findByText('vmnet5')).toBeTruthy();
  });
});

// The web console's first screen: `vnet serve` sends the page with the networks already
// drawn, the browser shows them before the editor's code has arrived, and the code takes
// over the very elements drawn (hydration) without an error — a click made before that is
// not lost.
import { expect, test } from '../lib/fixtures';
import { addNetworkClickedEarly, holdBack, type HeldBack } from '../lib/held-back';

test('the networks show before the editor code arrives, and a click made then opens its dialog once it has', async ({
  lab,
  openEditor,
  frontDoor,
}) => {
  test.skip(frontDoor === 'electron', 'the desktop window draws its first screen itself: only `vnet serve` sends it drawn');
  await lab.bareHost();
  const errors: string[] = [];
  // The editor's code proper (boot.tsx: React and the app) is held back until the test lets it through.
  let code!: HeldBack;
  const editor = await openEditor(async (page) => {
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    code = await holdBack(page, /\/assets\/boot-[^/]*\.js$/);
  });
  await code.requested;
  // Without any of the editor's code: the drawn table, and Add Network… taking clicks.
  await expect(editor.networkRow('vmnet8')).toBeVisible();
  const drawnTable = await editor.page.getByRole('table', { name: 'Virtual networks' }).elementHandle();
  await addNetworkClickedEarly(editor, code);
  // Hydrated, not drawn again: the table on screen is the element the server sent.
  expect(await drawnTable!.evaluate((table) => table.isConnected)).toBe(true);
  expect(errors).toEqual([]);
});

// The Adapters view: switching a host adapter off and on really takes the link down
// and up (packets stop and flow again); the adapter of the default route asks first.
import { expect, test } from '../lib/fixtures';
import { OUTSIDE } from '../lib/lab';

test('an adapter switched off and on in the Adapters view stops and restores traffic', async ({ lab, openEditor }) => {
  await lab.natHost();
  // A second adapter, lab0, to a neighbour that is not on the default route.
  const peer = await lab.sandbox.netns('e2peer');
  await lab.sandbox.veth(lab.host, 'lab0', peer, 'p0', '10.77.0.1/24', '10.77.0.2/24');
  expect(await lab.ping(lab.host, '10.77.0.2')).toBe(true);

  const editor = await openEditor();
  const adapters = await editor.adapters();
  await expect(adapters.row('lab0')).toContainText('10.77.0.1/24');
  await expect(adapters.row('up0')).toContainText('default route');
  await expect(adapters.switchOf('lab0')).toBeChecked();
  await editor.screenshot('view-adapters');

  await adapters.setOn('lab0', false);
  await expect(adapters.row('lab0')).toContainText('Off');
  expect(await lab.host.ip('-br', 'link', 'show', 'dev', 'lab0')).toMatch(/^lab0@\S+\s+DOWN/);
  expect(await lab.ping(lab.host, '10.77.0.2')).toBe(false);

  await adapters.setOn('lab0', true);
  await expect(adapters.row('lab0')).toContainText('On');
  expect(await lab.host.ip('-br', 'link', 'show', 'dev', 'lab0')).toMatch(/^lab0@\S+\s+UP/);
  expect(await lab.ping(lab.host, '10.77.0.2')).toBe(true);

  // The adapter of the default route: a warning first; "Keep on" leaves it alone.
  await adapters.switchOf('up0').click();
  const warning = adapters.switchOffWarning('up0');
  await expect(warning).toContainText("carries this computer's default route");
  await editor.screenshot('dialog-switch-off-warning');
  await warning.getByRole('button', { name: 'Keep on' }).click();
  await expect(warning).toBeHidden();
  await expect(adapters.switchOf('up0')).toBeChecked();
  expect(await lab.ping(lab.host, OUTSIDE.outside)).toBe(true);

  // "Switch off" runs as a trial: the link really goes down, and Revert brings it and its default route back.
  await adapters.switchOf('up0').click();
  await warning.getByRole('button', { name: 'Switch off' }).click();
  const trial = adapters.trialDialog();
  await trial.waitOpen();
  await editor.screenshot('dialog-adapter-trial');
  expect(await lab.host.ip('-br', 'link', 'show', 'dev', 'up0')).toMatch(/^up0@\S+\s+DOWN/);
  expect(await lab.ping(lab.host, OUTSIDE.outside)).toBe(false);
  await trial.revert();
  await expect.poll(async () => (await lab.host.ip('-br', 'link', 'show', 'dev', 'up0')).split(/\s+/)[1], { timeout: 30_000 }).toBe('UP');
  await expect.poll(() => lab.host.ip('route', 'show', 'default'), { timeout: 30_000 }).toContain(`default via ${OUTSIDE.outside} dev up0`);
  expect(await lab.ping(lab.host, OUTSIDE.outside)).toBe(true);
  await expect(adapters.switchOf('up0')).toBeChecked();
});

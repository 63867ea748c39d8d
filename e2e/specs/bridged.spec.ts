// A bridged network moves the host's uplink (and its address and routes) onto a
// bridge: a risky change that runs as a trial with a countdown. Not kept, the host is
// put back; kept, it stays. The uplink is a veth to a "lan" namespace, never eth0.
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../test/integration/lib/netns';
import { hostOnly } from '../lib/configs';
import { expect, test } from '../lib/fixtures';
import { LAN, type Lab } from '../lib/lab';
import type { EditorPage } from '../pages/editor';

async function stageBridged(editor: EditorPage, screenshots: boolean): Promise<void> {
  const add = await editor.addNetwork();
  await add.fillNetwork('vmnet0', 'Bridged');
  if (screenshots) await editor.screenshot('dialog-add-network');
  await add.ok();
  await expect(editor.networkRow('vmnet0')).toContainText('Bridged');
  await expect(editor.infoField('Bridged to')).toHaveValue('auto');
  if (screenshots) {
    await editor.screenshot('networks-bridged-staged');
    const automatic = await editor.automaticSettings();
    await editor.screenshot('dialog-automatic-settings');
    await automatic.cancel();
  }
}

/** Whether a trial watchdog (`vnet __watchdog`) runs in the host namespace. */
async function watchdogRunning(lab: Lab): Promise<boolean> {
  const pids = (await run(['ip', 'netns', 'pids', lab.host.name])).stdout.split(/\s+/).filter(Boolean);
  return pids.some((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('__watchdog');
    } catch {
      return false;
    }
  });
}

/** The uplink as the host sees it: its bridge (master) and where the LAN address is. */
async function uplinkState(lab: Lab): Promise<{ master?: string; addressOn: string[]; routerAnswers: boolean }> {
  const [link] = await lab.host.ipJson<{ master?: string }[]>('link', 'show', 'dev', 'up0');
  const addrs = await lab.host.ipJson<{ ifname: string; addr_info: { local: string }[] }[]>('-4', 'addr', 'show');
  const addressOn = addrs.filter((a) => a.addr_info.some((i) => i.local === LAN.host)).map((a) => a.ifname);
  return { ...(link?.master ? { master: link.master } : {}), addressOn, routerAnswers: await lab.ping(lab.host, LAN.router) };
}

test('a bridged change runs as a trial: not kept it is undone by itself; kept it stays', async ({ lab, openEditor }) => {
  // A real 30-second countdown and a watchdog revert.
  test.slow();
  await lab.lanHost();
  lab.storeConfig(hostOnly());
  await lab.applyStored();
  const before = await uplinkState(lab);
  expect(before).toEqual({ addressOn: ['up0'], routerAnswers: true });

  const editor = await openEditor();
  await stageBridged(editor, true);
  let apply = await editor.startApply();
  const steps = await apply.planned();
  expect(steps.join('\n')).toMatch(/up0/);
  await expect(apply.root).toContainText('trial');
  await editor.screenshot('apply-plan-trial');
  await expect(apply.confirmButton).toHaveText('Apply as trial');
  await apply.confirm();

  // During the trial the uplink is in the bridge, and the host still reaches its LAN.
  const trial = editor.trialDialog();
  await trial.waitOpen();
  await editor.screenshot('dialog-trial-countdown');
  expect(await uplinkState(lab)).toEqual({ master: 'vmnet0', addressOn: ['vmnet0'], routerAnswers: true });
  // …seen while the trial was still waiting (its record is still pending on the host).
  expect(fs.existsSync(path.join(lab.dirs.state, 'trial.json')), 'the trial was still pending').toBe(true);

  // Nobody answers: the countdown runs out and the host's watchdog puts the host back; the
  // dialog waits for the host to say the revert finished before saying so.
  await expect(trial.root).toBeHidden({ timeout: 60_000 });
  await expect(editor.notice('The previous settings were put back.')).toBeVisible();
  await expect.poll(() => uplinkState(lab), { timeout: 60_000 }).toEqual(before);
  await expect.poll(() => lab.storedConfig().networks.map((n) => n.name), { timeout: 30_000 }).toEqual(['vmnet1']);
  // The editor should then show the host's settings again (without vmnet0).
  await expect(editor.networkRow('vmnet0'), 'the editor still lists the reverted vmnet0').toHaveCount(0, { timeout: 10_000 });
  await editor.page.reload();
  await editor.waitUntilLoaded();
  await expect(editor.networkRow('vmnet0')).toHaveCount(0);

  // Again, and this time Keep changes.
  await stageBridged(editor, false);
  apply = await editor.startApply();
  await apply.planned();
  await apply.confirm();
  await trial.waitOpen();
  await trial.keep();
  await expect(editor.notice('Changes kept.')).toBeVisible();
  expect(await uplinkState(lab)).toEqual({ master: 'vmnet0', addressOn: ['vmnet0'], routerAnswers: true });
  expect(
    lab
      .storedConfig()
      .networks.map((n) => n.name)
      .sort(),
  ).toEqual(['vmnet0', 'vmnet1']);
  // The host's watchdog was told: it has gone, and it is the only thing that reverts, so it stays bridged.
  await expect.poll(() => watchdogRunning(lab), { timeout: 30_000 }).toBe(false);
  expect(fs.existsSync(path.join(lab.dirs.state, 'trial.json'))).toBe(false);
  expect(await uplinkState(lab)).toEqual({ master: 'vmnet0', addressOn: ['vmnet0'], routerAnswers: true });
  expect((await lab.cli('plan', '--json')).stdout.trim()).toBe('[]');
});

test('Revert in the countdown puts the uplink back at once', async ({ lab, openEditor }) => {
  await lab.lanHost();
  lab.storeConfig(hostOnly());
  await lab.applyStored();
  const before = await uplinkState(lab);
  const editor = await openEditor();
  await stageBridged(editor, false);
  const apply = await editor.startApply();
  await apply.planned();
  await apply.confirm();
  const trial = editor.trialDialog();
  await trial.waitOpen();
  expect((await uplinkState(lab)).master).toBe('vmnet0');
  await trial.revert();
  // The editor should say so, and no longer list vmnet0.
  await expect(editor.notice('The previous settings were put back.')).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => uplinkState(lab), { timeout: 60_000 }).toEqual(before);
  expect(await lab.host.ip('-br', 'link', 'show', 'type', 'bridge')).not.toContain('vmnet0');
  expect(lab.storedConfig().networks.map((n) => n.name)).toEqual(['vmnet1']);
  await expect(editor.networkRow('vmnet0'), 'the editor still lists the reverted vmnet0').toHaveCount(0, { timeout: 10_000 });
});

// Host adapters that NetworkManager manages are switched through NetworkManager.
// Seen with a real NetworkManager (test/integration/adapters/networkmanager.test.ts):
// after a bare `ip link set down` it keeps calling the device "connected", with its old
// address, for a few seconds, then treats it as a pulled cable (unavailable, addresses
// flushed) and activates its profile again as soon as anything sets the link up. A
// `nmcli device disconnect` first makes "off" NetworkManager's own state: it deactivates
// the profile cleanly (lease, routes, DNS) and leaves the device alone until it is
// connected again; and a checkpoint rollback from there brings the device back up with
// its profile and lease. Switching on again activates the profile that was active, so
// NetworkManager, not the app, puts back the addresses and routes it owns.
import { daemonRunsHere } from '../engine/proc';
import { readNmView } from '../engine/drivers/bridged/nm/nmcli';
import type { CommandRunner } from '../engine/runner';

/** The UUID of the profile NetworkManager has active on adapter NAME (not one it merely watches), if any. */
export async function networkManagerProfileOn(runner: CommandRunner, name: string): Promise<string | undefined> {
  if (!daemonRunsHere(['NetworkManager'])) return undefined;
  const device = (await readNmView(runner))?.devices.get(name);
  // "connected (externally)" is a link NetworkManager only watches (a bridge made with ip): not its to switch.
  return device?.state === 'connected' ? device.connection : undefined;
}

export async function disconnectThroughNetworkManager(runner: CommandRunner, name: string): Promise<void> {
  await runner.run(['nmcli', 'device', 'disconnect', name]);
}

/** Activates PROFILE again (NetworkManager brings its device up, with its addresses and routes). */
export async function connectThroughNetworkManager(runner: CommandRunner, profile: string): Promise<void> {
  await runner.run(['nmcli', 'connection', 'up', 'uuid', profile]);
}

/** True when PROFILE is active on NAME again (or on its way there). */
export async function networkManagerHasItBack(runner: CommandRunner, name: string, profile: string): Promise<boolean> {
  const device = (await readNmView(runner))?.devices.get(name);
  return device?.connection === profile && (device.state === 'connected' || device.state.startsWith('connecting'));
}

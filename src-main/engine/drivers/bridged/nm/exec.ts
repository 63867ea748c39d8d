// Bridging through NetworkManager: two profiles of the app's own, a bridge named after
// the network that takes over the uplink profile's addressing (and the uplink's MAC, so
// the LAN's DHCP server hands the bridge the same lease), and a port profile that makes
// the uplink its port. NetworkManager then keeps the lease on the bridge. The journal
// records the two profiles' UUIDs (before each is made): those, and only those, are
// what `down` deletes; then the uplink's own profile is activated again.
import type { PlanOperation } from '../../../../../src-shared/api/types';
import { readLinks } from '../../../../adapters/ip-json';
import type { CommandRunner } from '../../../runner';
import type { ExecContext } from '../../../types';
import { bridgedData, type BridgedData } from '../data';
import { ADDRESSING_SETTINGS, readNmView, readProfileSettings, settingArgs } from './nmcli';

/** How long NetworkManager may take to activate a profile and get its lease. */
const ACTIVATION_SECONDS = 45;

export const portProfileName = (bridge: string): string => `${bridge}-port`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function journalData(ctx: ExecContext, network: string): BridgedData | undefined {
  let data: BridgedData | undefined;
  ctx.record((j) => {
    data = bridgedData(j.networks[network]);
  });
  return data;
}

/** Durable: the profiles are files NetworkManager keeps across a reboot, so their record must survive one too. */
function writeNm(ctx: ExecContext, network: string, change: (data: BridgedData) => void): void {
  ctx.record(
    (j) => {
      const entry = (j.networks[network] ??= { type: 'bridged', data: {} });
      const data = { bridge: network, ...(entry.data as Partial<BridgedData>) } as BridgedData;
      change(data);
      entry.data = data as unknown as Record<string, unknown>;
    },
    { durable: true },
  );
}

const uuidOf = (output: string): string | undefined => /\(([0-9a-f-]{36})\)/.exec(output)?.[1];

async function profileState(runner: CommandRunner, uuid: string): Promise<string> {
  const r = await runner.run(['nmcli', '-t', '-g', 'GENERAL.STATE', 'connection', 'show', 'uuid', uuid], { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : '';
}

async function deviceIpv4(runner: CommandRunner, device: string): Promise<string> {
  const r = await runner.run(['nmcli', '-t', '-g', 'IP4.ADDRESS', 'device', 'show', device], { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : '';
}

/** Waits until the bridge profile is activated and, when it uses DHCP, the bridge has its lease. */
async function waitForBridge(runner: CommandRunner, bridge: string, uuid: string, dhcp: boolean): Promise<void> {
  const end = Date.now() + ACTIVATION_SECONDS * 1000;
  for (;;) {
    const state = await profileState(runner, uuid);
    if (state === 'activated' && (!dhcp || (await deviceIpv4(runner, bridge)) !== '')) return;
    if (Date.now() > end) {
      throw new Error(
        `NetworkManager did not ${state === 'activated' ? `get a DHCP lease on ${bridge}` : `activate profile ${bridge} (state: ${state || 'none'})`} ` +
          `within ${ACTIVATION_SECONDS} seconds`,
      );
    }
    await sleep(100);
  }
}

async function deleteProfile(runner: CommandRunner, uuid: string | undefined): Promise<void> {
  if (!uuid) return;
  const r = await runner.run(['nmcli', 'connection', 'delete', 'uuid', uuid], { allowFailure: true });
  // Already deleted (from outside, or by a checkpoint's rollback) is what we wanted.
  if (r.code !== 0 && !/unknown connection|not found|cannot find/i.test(r.stderr)) {
    throw new Error(`could not delete NetworkManager profile ${uuid}: ${r.stderr.trim()}`);
  }
}

/** Activates the uplink's own profile again, unless it already is active. */
async function reactivateUplink(runner: CommandRunner, uplink: string, profile: string): Promise<void> {
  const view = await readNmView(runner);
  if (view?.devices.get(uplink)?.connection === profile) return;
  if (view && !view.profiles.some((p) => p.uuid === profile)) return;
  await runner.run(['nmcli', '-w', String(ACTIVATION_SECONDS), 'connection', 'up', 'uuid', profile]);
}

interface Made {
  bridgeProfile: string;
  portProfile: string;
}

/** Creates and activates the two profiles; records each UUID as soon as NetworkManager names it. */
async function makeProfiles(ctx: ExecContext, bridge: string, uplink: string, uplinkProfile: string): Promise<Made> {
  const { runner } = ctx;
  const values = await readProfileSettings(runner, uplinkProfile, [...ADDRESSING_SETTINGS, 'connection.autoconnect-priority']);
  const priority = Number(values['connection.autoconnect-priority'] ?? '0') || 0;
  delete values['connection.autoconnect-priority'];
  const mac = (await readLinks(runner)).find((l) => l.ifname === uplink)?.address;
  const bridgeArgs = ['nmcli', 'connection', 'add', 'type', 'bridge', 'ifname', bridge, 'con-name', bridge];
  bridgeArgs.push('connection.autoconnect', 'yes', 'bridge.stp', 'no', 'bridge.forward-delay', '0');
  if (mac) bridgeArgs.push('bridge.mac-address', mac);
  const made = await runner.run([...bridgeArgs, ...settingArgs(values)]);
  const bridgeProfile = uuidOf(made.stdout);
  if (!bridgeProfile) throw new Error(`NetworkManager did not say which profile it added: ${made.stdout.trim()}`);
  writeNm(ctx, bridge, (d) => {
    d.nm = { ...d.nm!, bridgeProfile };
  });
  // One above the uplink's own profile, so that after a reboot NetworkManager activates the port, not the old profile.
  const port = await runner.run([
    'nmcli',
    'connection',
    'add',
    'type',
    'ethernet',
    'ifname',
    uplink,
    'con-name',
    portProfileName(bridge),
    'master',
    bridge,
    'slave-type',
    'bridge',
    'connection.autoconnect',
    'yes',
    'connection.autoconnect-priority',
    String(Math.min(999, priority + 1)),
  ]);
  const portProfile = uuidOf(port.stdout);
  if (!portProfile) throw new Error(`NetworkManager did not say which profile it added: ${port.stdout.trim()}`);
  writeNm(ctx, bridge, (d) => {
    d.nm = { ...d.nm!, portProfile };
  });
  await activate(runner, bridge, { bridgeProfile, portProfile }, values['ipv4.method'] === 'auto');
  return { bridgeProfile, portProfile };
}

async function activate(runner: CommandRunner, bridge: string, made: Made, dhcp: boolean): Promise<void> {
  // Activating the port brings up its bridge too.
  await runner.run(['nmcli', '-w', String(ACTIVATION_SECONDS), 'connection', 'up', 'uuid', made.portProfile]);
  await waitForBridge(runner, bridge, made.bridgeProfile, dhcp);
}

async function removeProfiles(ctx: ExecContext, data: BridgedData): Promise<void> {
  await deleteProfile(ctx.runner, data.nm?.portProfile);
  await deleteProfile(ctx.runner, data.nm?.bridgeProfile);
  // NetworkManager removes the bridge it made with its profile; one it made but could not
  // activate may stay behind as a bare link, which is still the app's to remove.
  if (data.nm?.bridgeProfile) await ctx.runner.run(['ip', 'link', 'del', 'dev', data.bridge], { allowFailure: true });
  if (data.uplink && data.nm) await reactivateUplink(ctx.runner, data.uplink, data.nm.uplinkProfile);
}

function detailsOf(op: PlanOperation) {
  const d = op.details ?? {};
  return { bridge: String(d.bridge ?? op.network), uplink: String(d.uplink ?? ''), uplinkProfile: String(d.uplinkProfile ?? '') };
}

async function bridgeThroughNm(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const { bridge, uplink, uplinkProfile } = detailsOf(op);
  const previous = journalData(ctx, bridge);
  // A repair: profiles of ours left half made (or deactivated) go first.
  if (previous?.via === 'networkmanager') await removeProfiles(ctx, previous);
  const name = String(op.details?.uplinkProfileName ?? uplinkProfile);
  writeNm(ctx, bridge, (d) => {
    Object.assign(d, {
      bridge,
      created: true,
      via: 'networkmanager',
      uplink,
      attached: false,
      nm: { uplinkProfile, uplinkProfileName: name },
    });
  });
  ctx.onUndo(async () => {
    const data = journalData(ctx, bridge);
    if (data) await removeProfiles(ctx, data);
    ctx.record((j) => {
      delete j.networks[bridge];
    });
  });
  await makeProfiles(ctx, bridge, uplink, uplinkProfile);
  writeNm(ctx, bridge, (d) => {
    d.attached = true;
  });
}

async function activateAgain(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const { bridge } = detailsOf(op);
  const data = journalData(ctx, bridge);
  if (!data?.nm?.bridgeProfile || !data.nm.portProfile) throw new Error(`the journal has no NetworkManager profiles for ${bridge}`);
  const nm = data.nm;
  ctx.onUndo(async () => {
    if (data.uplink) await reactivateUplink(ctx.runner, data.uplink, nm.uplinkProfile);
  });
  const method = await readProfileSettings(ctx.runner, nm.bridgeProfile!, ['ipv4.method']);
  await activate(ctx.runner, bridge, { bridgeProfile: nm.bridgeProfile!, portProfile: nm.portProfile! }, method['ipv4.method'] === 'auto');
}

async function unbridgeThroughNm(op: PlanOperation, ctx: ExecContext): Promise<void> {
  const network = op.network!;
  const data = journalData(ctx, network);
  if (!data) return;
  await removeProfiles(ctx, data);
  ctx.onUndo(async () => {
    if (!data.uplink || !data.nm) return;
    writeNm(ctx, network, (d) => Object.assign(d, { ...data, attached: false }));
    await makeProfiles(ctx, network, data.uplink, data.nm.uplinkProfile);
    writeNm(ctx, network, (d) => {
      d.attached = true;
    });
  });
  ctx.record((j) => {
    delete j.networks[network];
  });
}

export const NM_OPS = ['bridged-nm-bridge', 'bridged-nm-activate', 'bridged-nm-unbridge'] as const;

export async function executeNm(op: PlanOperation, ctx: ExecContext): Promise<void> {
  switch (op.op) {
    case 'bridged-nm-bridge':
      return bridgeThroughNm(op, ctx);
    case 'bridged-nm-activate':
      return activateAgain(op, ctx);
    case 'bridged-nm-unbridge':
      return unbridgeThroughNm(op, ctx);
    default:
      throw new Error(`the NetworkManager bridge backend does not know the operation ${op.op}`);
  }
}

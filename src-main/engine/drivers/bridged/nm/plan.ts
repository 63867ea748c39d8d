// Planning a bridged network whose uplink NetworkManager manages: make the profiles
// (or make them again when deleted from outside), activate them again when
// deactivated from outside, and remove them on the way down.
import type { BridgedNetwork } from '../../../../../src-shared/model';
import type { PlanOperation } from '../../../../../src-shared/api/types';
import type { HostState } from '../../../types';
import { bridgedData, type BridgedData } from '../data';
import { portProfileName } from './exec';

/** The profile NetworkManager has active on UPLINK, when it is not one of the app's own. */
export function uplinkProfileOf(uplink: string, state: HostState): { uuid: string; name: string } | undefined {
  const view = state.networkManager;
  const uuid = view?.devices.get(uplink)?.connection;
  if (!view || !uuid) return undefined;
  const ours = Object.values(state.journal.networks).some((r) => {
    const nm = bridgedData(r)?.nm;
    return nm?.bridgeProfile === uuid || nm?.portProfile === uuid;
  });
  if (ours) return undefined;
  return { uuid, name: view.profiles.find((p) => p.uuid === uuid)?.name ?? uuid };
}

/** True when the bridge of NETWORK over UPLINK is (to be) made through NetworkManager. */
export function viaNetworkManager(network: string, uplink: string, state: HostState): boolean {
  const data = bridgedData(state.journal.networks[network]);
  if (data?.via === 'networkmanager' && data.uplink === uplink) return true;
  return uplinkProfileOf(uplink, state) !== undefined;
}

export function planNmBridge(network: BridgedNetwork, uplink: string, state: HostState): PlanOperation[] {
  const bridge = network.name;
  const data = bridgedData(state.journal.networks[bridge]);
  const nm = data?.via === 'networkmanager' && data.uplink === uplink ? data.nm : undefined;
  const profiles = state.networkManager?.profiles ?? [];
  const bridgeProfile = profiles.find((p) => p.uuid === nm?.bridgeProfile);
  const portProfile = profiles.find((p) => p.uuid === nm?.portProfile);
  if (!nm || !bridgeProfile || !portProfile) {
    const own = nm ? { uuid: nm.uplinkProfile, name: nm.uplinkProfileName } : uplinkProfileOf(uplink, state);
    if (!own) return [];
    const why = nm ? ` (again: ${!bridgeProfile ? `profile ${bridge}` : `profile ${portProfileName(bridge)}`} was deleted outside the app)` : '';
    return [
      {
        op: 'bridged-nm-bridge',
        network: bridge,
        target: uplink,
        risky: true,
        description:
          `Bridge ${uplink} through NetworkManager${why}: profile ${bridge} takes over the addressing of "${own.name}" ` +
          `and ${uplink} becomes its port, so NetworkManager keeps the lease on ${bridge}`,
        details: { bridge, uplink, uplinkProfile: own.uuid, uplinkProfileName: own.name },
      },
    ];
  }
  if (bridgeProfile.active && portProfile.active) return [];
  return [
    {
      op: 'bridged-nm-activate',
      network: bridge,
      target: uplink,
      risky: true,
      description: `Activate the NetworkManager profiles ${bridge} and ${portProfileName(bridge)} again (deactivated outside the app)`,
      details: { bridge, uplink },
    },
  ];
}

export function planNmRemoval(name: string, data: BridgedData): PlanOperation[] {
  const own = data.nm?.uplinkProfileName ?? 'its own profile';
  return [
    {
      op: 'bridged-nm-unbridge',
      network: name,
      target: data.uplink ?? name,
      risky: true,
      description: `Delete the NetworkManager profiles ${name} and ${portProfileName(name)} and activate "${own}" on ${data.uplink ?? 'the uplink'} again`,
      details: { bridge: name, ...(data.uplink ? { uplink: data.uplink } : {}) },
    },
  ];
}

// The two ways the bridged driver makes a bridge, behind one small interface: the
// kernel directly (iproute2: the uplink's addresses and routes move to the bridge), or
// NetworkManager (profiles of the app's own; NetworkManager keeps the lease on the
// bridge). Which one is decided per network by who manages the uplink's address.
import type { BridgedNetwork } from '../../../../src-shared/model';
import type { PlanOperation } from '../../../../src-shared/api/types';
import type { ExecContext, HostState, JournalNetwork, PlanContext } from '../../types';
import { bridgedData, type BridgedData } from './data';
import type { HostProbe } from './probe';
import { chooseUplink } from './uplink';
import { executeKernel, KERNEL_OPS, planKernelBridge, planKernelRemoval } from './kernel';
import { executeNm, NM_OPS } from './nm/exec';
import { planNmBridge, planNmRemoval, viaNetworkManager } from './nm/plan';

export interface BridgeBackend {
  readonly name: 'kernel' | 'networkmanager';
  readonly ops: readonly string[];
  /** Steps that make NETWORK a bridge over UPLINK; [] when it already is. */
  plan(network: BridgedNetwork, uplink: string, state: HostState): PlanOperation[];
  /** Steps that take the bridge down and give the uplink back, from what the journal recorded. */
  planRemoval(name: string, data: BridgedData, state: HostState): PlanOperation[];
  execute(op: PlanOperation, ctx: ExecContext): Promise<void>;
}

export const kernelBackend: BridgeBackend = {
  name: 'kernel',
  ops: KERNEL_OPS,
  plan: planKernelBridge,
  planRemoval: planKernelRemoval,
  execute: executeKernel,
};

export const networkManagerBackend: BridgeBackend = {
  name: 'networkmanager',
  ops: NM_OPS,
  plan: (network, uplink, state) => planNmBridge(network, uplink, state),
  planRemoval: (name, data) => planNmRemoval(name, data),
  execute: executeNm,
};

/** The backend for a network about to be bridged over UPLINK. */
export function backendFor(network: string, uplink: string, state: HostState): BridgeBackend {
  return viaNetworkManager(network, uplink, state) ? networkManagerBackend : kernelBackend;
}

/** The backend that made what the journal recorded. */
export function recordedBackend(data: BridgedData): BridgeBackend {
  return data.via === 'networkmanager' ? networkManagerBackend : kernelBackend;
}

export function backendOfOp(op: string): BridgeBackend | undefined {
  return [kernelBackend, networkManagerBackend].find((b) => b.ops.includes(op));
}

/** Plans a bridged network: the uplink `auto` or the config names, then its backend's steps. */
export function planBridged(network: BridgedNetwork, state: HostState, ctx: PlanContext, probe: HostProbe): PlanOperation[] {
  const index = ctx.config.networks.findIndex((n) => n.name === network.name);
  const choice = chooseUplink(network, index, state, ctx, probe);
  if (!choice.ok) return [];
  return backendFor(network.name, choice.uplink, state).plan(network, choice.uplink, state);
}

export function planBridgedRemoval(name: string, recorded: JournalNetwork, state: HostState): PlanOperation[] {
  const data = bridgedData(recorded) ?? { bridge: name };
  return recordedBackend(data).planRemoval(name, data, state);
}

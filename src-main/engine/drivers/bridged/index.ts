// The bridged network driver (VMware's vmnet0): a bridge that takes a wired uplink as
// its port, with the host's addresses and routes moved from the uplink to the bridge.
// Registered in ../index.ts.
import type { BridgedNetwork } from '../../../../src-shared/model';
import type { NetworkDriver } from '../../types';
import { backendOfOp, kernelBackend, networkManagerBackend, planBridged, planBridgedRemoval } from './backend';
import { doctorBridged, statusBridged } from './health';
import { checkBridged } from './plan';
import { realProbe, type HostProbe } from './probe';
import { unconnectedReason } from './uplink';

export function createBridgedDriver(probe: HostProbe = realProbe): NetworkDriver<BridgedNetwork> {
  return {
    type: 'bridged',
    ops: [...kernelBackend.ops, ...networkManagerBackend.ops],
    check: (network, index, state, ctx) => checkBridged(network, index, state, ctx, probe),
    plan: (network, state, ctx) => planBridged(network, state, ctx, probe),
    warnings: (network, state, ctx) => {
      const reason = unconnectedReason(network, state, ctx, probe);
      return reason ? [reason] : [];
    },
    planRemoval: (name, recorded, state) => planBridgedRemoval(name, recorded, state),
    execute: (op, ctx) => {
      const backend = backendOfOp(op.op);
      if (!backend) throw new Error(`the bridged driver does not know the operation ${op.op}`);
      return backend.execute(op, ctx);
    },
    status: (network, state, ctx) => statusBridged(network, state, ctx, probe),
    doctor: (network, state, ctx) => doctorBridged(network, state, ctx, probe),
  };
}

export const bridgedDriver = createBridgedDriver();
export { type BridgedData } from './data';
export type { HostProbe } from './probe';

// The host-only and NAT driver (one implementation, registered for both types).
import type { RoutedNetwork } from '../../../../src-shared/model';
import type { NetworkDriver } from '../../types';
import { checkRouted, planRouted, planRoutedRemoval, warnRouted } from './plan';
import { executeRouted, ROUTED_OPS } from './exec';
import { doctorRouted, statusRouted } from './health';

function routedDriver<N extends RoutedNetwork>(type: N['type']): NetworkDriver<N> {
  return {
    type,
    ops: ROUTED_OPS,
    check: checkRouted,
    warnings: warnRouted,
    plan: planRouted,
    planRemoval: (name, recorded, state) => planRoutedRemoval(name, recorded, state),
    execute: executeRouted,
    status: statusRouted,
    doctor: doctorRouted,
  };
}

export const hostOnlyDriver = routedDriver<Extract<RoutedNetwork, { type: 'hostonly' }>>('hostonly');
export const natDriver = routedDriver<Extract<RoutedNetwork, { type: 'nat' }>>('nat');

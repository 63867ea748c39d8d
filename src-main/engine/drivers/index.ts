// The one place network drivers are registered. A type without a driver is planned as
// nothing (with a warning) until its driver is added here.
import type { Network } from '../../../src-shared/model';
import type { NetworkDriver } from '../types';
import { hostOnlyDriver, natDriver } from './routed';
import { bridgedDriver } from './bridged';

export const DRIVERS: Partial<Record<Network['type'], NetworkDriver>> = {
  bridged: bridgedDriver as unknown as NetworkDriver,
  hostonly: hostOnlyDriver as unknown as NetworkDriver,
  nat: natDriver as unknown as NetworkDriver,
};

export function driverFor(type: Network['type']): NetworkDriver | undefined {
  return DRIVERS[type];
}

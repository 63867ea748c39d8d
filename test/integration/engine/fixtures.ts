// Configs used by the engine's integration tests.
import type { Config } from '../../../src-shared/model';
import { hostOnlyNetwork, natNetwork } from '../../../src-shared/model';

export const WEB_MAC = '52:54:00:12:34:56';
export const WEB_ADDRESS = '192.168.133.50';

/** vmnet1 host-only and vmnet8 NAT, VMware's defaults, with a reservation and two port forwards. */
export function twoNetworks(): Config {
  const vmnet1 = hostOnlyNetwork('vmnet1', '192.168.56.0/24');
  const vmnet8 = natNetwork('vmnet8', '192.168.133.0/24');
  vmnet8.dhcp.reservations = [{ mac: WEB_MAC, address: WEB_ADDRESS, hostname: 'web' }];
  vmnet8.nat.portForwards = [
    { protocol: 'tcp', hostPort: 8080, guestAddress: WEB_ADDRESS, guestPort: 80, description: 'web server' },
    { protocol: 'udp', hostPort: 5353, guestAddress: WEB_ADDRESS, guestPort: 5353 },
  ];
  return { version: 1, networks: [vmnet1, vmnet8] };
}

export function inRange(address: string, start: string, end: string): boolean {
  const n = (a: string): number => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  return n(address) >= n(start) && n(address) <= n(end);
}

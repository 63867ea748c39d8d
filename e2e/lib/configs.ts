// Stored configs a test starts from, built with the shared model's VMware defaults.
import { hostOnlyNetwork, natNetwork, type Config } from '../../src-shared/model';

/** VMware's host-only vmnet1 and NAT vmnet8 (no bridged vmnet0: the host's uplink stays put). */
export function hostOnlyAndNat(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')] };
}

/** Only the host-only vmnet1. */
export function hostOnly(): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24')] };
}

/** Dotted address → number, to check that an address is inside a DHCP range. */
export function ipNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function inRange(address: string, start: string, end: string): boolean {
  return ipNumber(address) >= ipNumber(start) && ipNumber(address) <= ipNumber(end);
}

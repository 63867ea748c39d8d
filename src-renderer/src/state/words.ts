// Plain words for what the editor shows: VMware's column texts, durations, rates
// and host errors turned into "what happened, what to do".
import type { Network, NetworkType } from '../../../src-shared/model';
import type { NetworkStatus } from '../../../src-shared/api/types';

export const TYPE_WORDS: Record<NetworkType, string> = { bridged: 'Bridged', hostonly: 'Host-only', nat: 'NAT' };

/** VMware's "External connection" column; LIVE (the host's status of this network) tells a bridged network left unconnected. */
export function externalConnection(network: Network, live?: NetworkStatus): string {
  if (network.type === 'bridged') {
    if (live?.unconnected && network.bridge.uplink === 'auto') return 'Not connected';
    return network.bridge.uplink === 'auto' ? 'Auto-bridging' : network.bridge.uplink;
  }
  if (network.type === 'nat') return 'NAT';
  return '-';
}

export function hostConnection(network: Network): string {
  if (network.type === 'bridged') return '-';
  return network.hostAdapter.enabled ? 'Connected' : '-';
}

export function dhcpWord(network: Network): string {
  if (network.type === 'bridged') return '-';
  return network.dhcp.enabled ? 'Enabled' : '-';
}

export function subnetWord(network: Network): string {
  return network.type === 'bridged' ? '-' : network.subnet;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const parts: string[] = [];
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  let rest = Math.floor(seconds);
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  return parts.length === 0 ? '0 seconds' : parts.slice(0, 2).join(' ');
}

export function formatRate(bytesPerSecond: number): string {
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "in 25 minutes", "expired", "never" for a lease's expiry. */
export function expiryWords(expires: string | null, now: number): string {
  if (expires === null) return 'never';
  const at = Date.parse(expires);
  if (Number.isNaN(at)) return expires;
  const seconds = Math.round((at - now) / 1000);
  return seconds <= 0 ? 'expired' : `in ${formatDuration(seconds)}`;
}

export function sinceWords(since: number | undefined, now: number): string {
  if (since === undefined) return '';
  return `for ${formatDuration(Math.max(0, Math.round((now - since) / 1000)))}`;
}

export interface HostProblem {
  /** What happened, in plain words. */
  message: string;
  /** What the user can do about it. */
  advice: string;
}

/** Turns a failed host call into what happened and what to do. */
export function describeHostError(error: unknown): HostProblem {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'The host did not answer.';
  const text = message.toLowerCase();
  // The API's failure code (VnetApiError) says more than the words when present.
  const code = error !== null && typeof error === 'object' && 'code' in error ? (error as { code: unknown }).code : undefined;
  if (code === 'unavailable' && /helper/.test(text) && !/elevat/.test(text)) {
    return {
      message,
      advice:
        'The privileged helper that changes networks is not running. Try again and enter your password when asked, or run "vnet serve" as root.',
    };
  }
  if (code === 'unavailable' && /desktop app/.test(text)) return { message, advice: 'Use the upload and download buttons in the browser.' };
  if (code === 'unavailable' && !/cancel|elevat|password/.test(text)) {
    return {
      message,
      advice: 'The editor lost its connection to the host. Check that "vnet serve" (or the app) is still running, then reload.',
    };
  }
  if (code === 'invalid') {
    return { message, advice: 'The host refused the request as malformed; nothing was changed. Reload the editor and try again.' };
  }
  if (/cancel|not authori[sz]ed|dismissed|elevation|permission denied|eacces|eperm|password/.test(text)) {
    return {
      message,
      advice: 'Changing networks needs administrator rights. Try again and enter your password when asked; nothing was changed.',
    };
  }
  if (/failed to fetch|networkerror|econnrefused|websocket|socket hang up|disconnected/.test(text)) {
    return {
      message,
      advice: 'The editor lost its connection to the host. Check that "vnet serve" (or the app) is still running, then reload.',
    };
  }
  if (/session|token|401|403|forbidden/.test(text)) {
    return { message, advice: 'Your session is no longer valid. Open the address printed by "vnet serve" again.' };
  }
  if (/rolled back|rollback/.test(text)) {
    return { message, advice: 'The host was put back as it was. Fix the setting named above, or run "vnet doctor" for details.' };
  }
  if (/dnsmasq/.test(text)) {
    return {
      message,
      advice: 'Check that dnsmasq is installed and that no other DHCP server uses this network ("vnet doctor" says more).',
    };
  }
  if (/nft|nftables/.test(text)) {
    return { message, advice: 'Check that nftables is installed and the kernel supports it ("vnet doctor" says more).' };
  }
  return { message, advice: 'Nothing was changed by this step. Run "vnet doctor" for a diagnosis, or try again.' };
}

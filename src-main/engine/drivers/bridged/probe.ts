// What the bridged driver needs to know about an interface beyond `ip -j`: is it
// wireless, is it hardware, and does something else (a DHCP client, NetworkManager,
// systemd-networkd) manage its address, which would undo moving it to the bridge.
// Checks are synchronous because planning is; only processes in this network
// namespace count (a DHCP client of another namespace's eth0 is not ours to mind).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { daemonRunsHere, listPids, processCmdline, processNetns } from '../../proc';

export interface HostProbe {
  isWireless(name: string): boolean;
  /** Backed by hardware (a `device` link in sysfs), as physical NICs are. */
  hasDevice(name: string): boolean;
  /** Who keeps the interface's address up to date, in plain words, or undefined when it is static. */
  addressManager(name: string, ifindex: number): string | undefined;
}

const DHCP_CLIENTS = new Set(['dhclient', 'udhcpc', 'dhcpcd', 'dhcpcd-bin', 'dhcpcd5']);

/** The DHCP client process serving interface NAME in this network namespace, if any. */
export function findDhcpClient(name: string): { program: string; pid: number } | undefined {
  const ownNetns = processNetns('self');
  for (const pid of listPids()) {
    const argv = processCmdline(pid);
    if (!argv || argv.length === 0) continue;
    const program = argv
      .slice(0, 2)
      .map((a) => path.basename(a))
      .find((a) => DHCP_CLIENTS.has(a));
    if (!program) continue;
    const servesIt = argv.some(
      (arg, i) => arg === name || arg === `--interface=${name}` || (arg === '-i' && argv[i + 1] === name) || arg === `-i${name}`,
    );
    if (!servesIt || processNetns(pid) !== ownNetns) continue;
    return { program, pid };
  }
  return undefined;
}

/** 'managed', 'not managed', or 'no answer' (it runs here, but nmcli cannot reach it on the system bus). */
function networkManagerManages(name: string): 'managed' | 'not managed' | 'no answer' {
  if (!daemonRunsHere(['NetworkManager'])) return 'not managed';
  try {
    const out = execFileSync('nmcli', ['-t', '-f', 'DEVICE,STATE', 'device', 'status'], { encoding: 'utf8', timeout: 5000 });
    const managed = out.split('\n').some((line) => {
      const [device, state] = line.split(':');
      return device === name && state !== undefined && !state.startsWith('unmanaged');
    });
    return managed ? 'managed' : 'not managed';
  } catch {
    return 'no answer';
  }
}

function networkdManages(ifindex: number): boolean {
  if (!daemonRunsHere(['systemd-networkd'])) return false;
  try {
    const text = fs.readFileSync(`/run/systemd/netif/links/${ifindex}`, 'utf8');
    return /^ADMIN_STATE=(configured|configuring)$/m.test(text);
  } catch {
    return false;
  }
}

export const realProbe: HostProbe = {
  isWireless: (name) => fs.existsSync(`/sys/class/net/${name}/wireless`) || fs.existsSync(`/sys/class/net/${name}/phy80211`),
  hasDevice: (name) => fs.existsSync(`/sys/class/net/${name}/device`),
  addressManager(name, ifindex) {
    const client = findDhcpClient(name);
    if (client) return `the DHCP client ${client.program} (pid ${client.pid})`;
    const nm = networkManagerManages(name);
    if (nm === 'managed') return 'NetworkManager';
    // Running but unreachable: it may well manage the uplink, and the app cannot bridge through it.
    if (nm === 'no answer') {
      return `NetworkManager, which runs here but does not answer on the system bus${process.env.DBUS_SYSTEM_BUS_ADDRESS ? ` ${process.env.DBUS_SYSTEM_BUS_ADDRESS}` : ''}`;
    }
    if (networkdManages(ifindex)) return 'systemd-networkd';
    return undefined;
  },
};

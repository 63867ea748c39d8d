// A real NetworkManager confined to network namespaces, for the bridged tests: a LAN
// namespace (a switch with the router 198.51.100.1 and the LAN's own DHCP server), and
// a host namespace whose eth0 is cabled to it, run by a NetworkManager with its own
// D-Bus system bus and mount namespace. Nothing in the root namespace changes; destroy()
// stops what was started, by pid, and deletes the namespaces and the folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { must, Netns, waitFor } from '../bridged/netns';

export const LAN_ROUTER = '198.51.100.1';
/** The LAN's DHCP pool, first and last host number (198.51.100.100–198.51.100.150, both given out). */
export const LAN_POOL = { first: 100, last: 150 } as const;

/** Whether ADDRESS is one the LAN's DHCP server hands out. */
export function inLanPool(address: string): boolean {
  const m = /^198\.51\.100\.(\d+)$/.exec(address);
  return m !== null && Number(m[1]) >= LAN_POOL.first && Number(m[1]) <= LAN_POOL.last;
}

export interface NmLab {
  lan: Netns;
  host: Netns;
  dir: string;
  /** DBUS_SYSTEM_BUS_ADDRESS of the private bus. */
  bus: string;
  /** Runs nmcli in the host namespace against this NetworkManager; throws on failure. */
  nmcli(...args: string[]): string;
  /** IPv4 addresses (`a.b.c.d/prefix`) on DEV in the host namespace. */
  ipv4(dev: string): string[];
  /** Profiles as `NAME:DEVICE`, sorted. */
  profiles(): string[];
  /** NetworkManager's Checkpoints property as busctl prints it: `ao 0` when there are none. */
  checkpoints(): string;
  /** Gives eth0 the profile "Wired connection 1" with SETTINGS (IPv6 off) and waits until eth0 has its address. */
  uplinkProfile(...settings: string[]): Promise<void>;
  destroy(): void;
}

const CONF = `[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
systemd-resolved=false
hostname-mode=none
auth-polkit=false
dhcp=internal

[connectivity]
enabled=false

[keyfile]
unmanaged-devices=except:interface-name:eth0;except:interface-name:vmnet*

[device-uplink]
match-device=interface-name:eth0
managed=1
`;
// eth0 is a veth, which NetworkManager leaves alone by default: it is forced managed, as a
// desktop's wired adapter is. vmnet* may be managed (the bridges it makes from profiles),
// but is not forced: bridges made with ip it then leaves "connected (externally)", as a
// desktop's NetworkManager does, instead of flushing their addresses.

function privateBusConfig(socket: string): string {
  return fs
    .readFileSync('/usr/share/dbus-1/system.conf', 'utf8')
    .replace('<includedir>system.d</includedir>', '<includedir>/usr/share/dbus-1/system.d</includedir>')
    .replace(/<listen>.*<\/listen>/, `<listen>unix:path=${socket}</listen>`)
    .replace(
      /<pidfile>.*<\/pidfile>|<user>.*<\/user>|<fork\/>|<syslog\/>|<standard_system_servicedirs\/>|<servicehelper>.*<\/servicehelper>/g,
      '',
    );
}

function stop(pidFile: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export async function startNmLab(): Promise<NmLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-nm-'));
  const lan = Netns.create('nmlan');
  let host: Netns | undefined;
  const destroy = () => {
    stop(path.join(dir, 'nm.pid'));
    stop(path.join(dir, 'dbus.pid'));
    host?.destroy();
    lan.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    host = Netns.create('nmhost');
    const h = host;
    lan.ip('link', 'add', 'lan', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
    lan.ip('addr', 'add', `${LAN_ROUTER}/24`, 'dev', 'lan');
    lan.ip('link', 'set', 'lan', 'up');
    lan.ip('link', 'add', 'h0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.name);
    lan.ip('link', 'set', 'h0', 'master', 'lan', 'up');
    h.ip('link', 'set', 'eth0', 'up');
    // --no-ping: dnsmasq's ping check would add 3 s to every lease; the LAN is ours alone.
    lan.daemon(
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--bind-interfaces',
      '--interface=lan',
      '--except-interface=lo',
      '--port=0',
      '--no-ping',
      '--dhcp-authoritative',
      `--dhcp-range=198.51.100.${LAN_POOL.first},198.51.100.${LAN_POOL.last},255.255.255.0,600`,
      `--dhcp-option=option:router,${LAN_ROUTER}`,
      `--dhcp-leasefile=${path.join(dir, 'lan.leases')}`,
    );
    for (const sub of ['run-nm', 'var-lib-nm', 'etc-nm/conf.d', 'etc-nm/system-connections', 'dbus'])
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    fs.copyFileSync('/etc/resolv.conf', path.join(dir, 'resolv.conf'));
    fs.writeFileSync(path.join(dir, 'hostname'), 'nmtest\n');
    const socket = path.join(dir, 'dbus', 'system_bus_socket');
    fs.writeFileSync(path.join(dir, 'dbus', 'system.conf'), privateBusConfig(socket));
    fs.writeFileSync(path.join(dir, 'etc-nm', 'NetworkManager.conf'), CONF);
    const bus = `unix:path=${socket}`;
    const started = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        h.name,
        'unshare',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        'bash',
        path.join(__dirname, 'networkmanager', 'confined.sh'),
        dir,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (started.status !== 0) throw new Error(`starting NetworkManager failed: ${started.stderr}`);
    const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus };
    const nmcliRun = (...args: string[]) =>
      spawnSync('ip', ['netns', 'exec', h.name, 'nmcli', ...args], { encoding: 'utf8', env, timeout: 60_000 });
    const nmcli = (...args: string[]): string => {
      const r = nmcliRun(...args);
      if (r.status !== 0) throw new Error(`nmcli ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const deviceState = () => nmcliRun('-t', '-f', 'DEVICE,STATE', 'device', 'status').stdout ?? '';
    if (!(await waitFor(() => /^eth0:/m.test(deviceState()), 20_000, 100)))
      throw new Error(`NetworkManager did not list eth0: ${deviceState()}`);
    // Up without udev (read-only /sys); now it may set bridge port options.
    must(['nsenter', '-t', fs.readFileSync(path.join(dir, 'nm.pid'), 'utf8').trim(), '-m', 'mount', '-o', 'remount,bind,rw', '/sys']);
    if (!(await waitFor(() => /^eth0:disconnected/m.test(deviceState()), 20_000, 100)))
      throw new Error(`eth0 is not managed: ${deviceState()}`);
    const ipv4 = (dev: string): string[] => {
      const r = h.exec('ip', '-j', '-4', 'addr', 'show', 'dev', dev);
      if (r.code !== 0) return [];
      const [link] = JSON.parse(r.stdout || '[]') as { addr_info: { local: string; prefixlen: number }[] }[];
      return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
    };
    return {
      lan,
      host: h,
      dir,
      bus,
      nmcli,
      ipv4,
      profiles: () => nmcli('-t', '-f', 'NAME,DEVICE', 'connection', 'show').split('\n').filter(Boolean).sort(),
      checkpoints: () =>
        h
          .exec(
            'busctl',
            `--address=${bus}`,
            'get-property',
            'org.freedesktop.NetworkManager',
            '/org/freedesktop/NetworkManager',
            'org.freedesktop.NetworkManager',
            'Checkpoints',
          )
          .stdout.trim(),
      async uplinkProfile(...settings: string[]) {
        nmcli(
          'connection',
          'add',
          'type',
          'ethernet',
          'ifname',
          'eth0',
          'con-name',
          'Wired connection 1',
          'ipv6.method',
          'disabled',
          ...settings,
        );
        if (!(await waitFor(() => ipv4('eth0').length > 0, 30_000, 100)))
          throw new Error(`eth0 got no address from its profile (${settings.join(' ')})`);
      },
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

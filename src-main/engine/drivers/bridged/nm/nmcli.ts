// Talking to NetworkManager. Profiles and devices through nmcli, checkpoints through
// busctl (nmcli has no checkpoint command); both are argv arrays through the engine's
// runner, and both find the system bus that DBUS_SYSTEM_BUS_ADDRESS names (else the
// standard one). nmcli rather than a D-Bus library: it ships with every NetworkManager,
// adds no npm dependency to the root helper, speaks in the words users know from
// `nmcli connection show`, and unit tests can record its argv like every other command.
import type { CommandRunner } from '../../../runner';

export interface NmDevice {
  name: string;
  /** `connected`, `disconnected`, `unmanaged`, `connecting (getting IP configuration)`… */
  state: string;
  /** UUID of the profile active on it, if any. */
  connection?: string;
}

export interface NmProfile {
  uuid: string;
  name: string;
  type: string;
  /** The device it is active on, if active. */
  device?: string;
  active: boolean;
  /** `activated`, `activating`, … when active. */
  state?: string;
}

/** What NetworkManager says about this host, read once per inspection. */
export interface NmView {
  devices: Map<string, NmDevice>;
  profiles: NmProfile[];
}

/** Splits one line of nmcli's terse output at unescaped colons (values escape `:` and `\` with `\`). */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) current += line[++i];
    else if (c === ':') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

export function parseDevices(text: string): Map<string, NmDevice> {
  const devices = new Map<string, NmDevice>();
  for (const line of lines(text)) {
    const [name, state, connection] = splitTerse(line);
    if (!name || state === undefined) continue;
    devices.set(name, { name, state, ...(connection ? { connection } : {}) });
  }
  return devices;
}

export function parseProfiles(text: string): NmProfile[] {
  return lines(text).flatMap((line) => {
    const [uuid, name, type, device, active, state] = splitTerse(line);
    if (!uuid || name === undefined || type === undefined) return [];
    return [{ uuid, name, type, active: active === 'yes', ...(device ? { device } : {}), ...(state ? { state } : {}) }];
  });
}

/** NetworkManager's view, or undefined when nmcli cannot reach it. */
export async function readNmView(runner: CommandRunner): Promise<NmView | undefined> {
  const [devices, profiles] = await Promise.all([
    runner.run(['nmcli', '-t', '-f', 'DEVICE,STATE,CON-UUID', 'device', 'status'], { allowFailure: true }),
    runner.run(['nmcli', '-t', '-f', 'UUID,NAME,TYPE,DEVICE,ACTIVE,STATE', 'connection', 'show'], { allowFailure: true }),
  ]);
  if (devices.code !== 0 || profiles.code !== 0) return undefined;
  return { devices: parseDevices(devices.stdout), profiles: parseProfiles(profiles.stdout) };
}

/**
 * The settings a bridge profile takes over from the uplink's profile: its IPv4 and IPv6
 * addressing (DHCP or static, addresses, gateway, routes, metric) and DNS.
 */
export const ADDRESSING_SETTINGS = [
  'ipv4.method',
  'ipv4.addresses',
  'ipv4.gateway',
  'ipv4.routes',
  'ipv4.route-metric',
  'ipv4.never-default',
  'ipv4.dns',
  'ipv4.dns-search',
  'ipv4.ignore-auto-dns',
  'ipv4.dhcp-client-id',
  'ipv6.method',
  'ipv6.addresses',
  'ipv6.gateway',
  'ipv6.routes',
  'ipv6.route-metric',
  'ipv6.never-default',
  'ipv6.dns',
  'ipv6.dns-search',
  'ipv6.ignore-auto-dns',
  'ipv6.addr-gen-mode',
] as const;

/** SETTINGS of profile UUID, as nmcli prints them (`ipv4.method` → `auto`). */
export async function readProfileSettings(runner: CommandRunner, uuid: string, settings: readonly string[]): Promise<Record<string, string>> {
  const out = await runner.run(['nmcli', '-t', '-m', 'multiline', '-f', 'ipv4,ipv6,connection', 'connection', 'show', 'uuid', uuid]);
  const wanted = new Set(settings);
  const values: Record<string, string> = {};
  for (const line of lines(out.stdout)) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon);
    if (wanted.has(key)) values[key] = line.slice(colon + 1);
  }
  return values;
}

/** `nmcli connection add` arguments that give a new profile these settings (empty ones left at NM's default). */
export function settingArgs(values: Record<string, string>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== '' && value !== '--')
    .flatMap(([key, value]) => [key, value]);
}

/** busctl's argv for a NetworkManager manager method, on the bus DBUS_SYSTEM_BUS_ADDRESS names or the system bus. */
export function busctlCall(method: string, signature: string, ...args: string[]): string[] {
  const address = process.env.DBUS_SYSTEM_BUS_ADDRESS;
  return [
    'busctl',
    address ? `--address=${address}` : '--system',
    'call',
    'org.freedesktop.NetworkManager',
    '/org/freedesktop/NetworkManager',
    'org.freedesktop.NetworkManager',
    method,
    signature,
    ...args,
  ];
}

/** NM_CHECKPOINT_CREATE_FLAG_DELETE_NEW_CONNECTIONS | NM_CHECKPOINT_CREATE_FLAG_DISCONNECT_NEW_DEVICES. */
export const CHECKPOINT_FLAGS = 0x02 | 0x04;

/** Creates a checkpoint of every device that rolls back by itself after SECONDS; returns its D-Bus path. */
export async function createCheckpoint(runner: CommandRunner, seconds: number): Promise<string> {
  const out = await runner.run(busctlCall('CheckpointCreate', 'aouu', '0', String(seconds), String(CHECKPOINT_FLAGS)));
  const match = /"(\/org\/freedesktop\/NetworkManager\/Checkpoint\/\d+)"/.exec(out.stdout);
  if (!match) throw new Error(`NetworkManager did not return a checkpoint: ${out.stdout.trim()}`);
  return match[1]!;
}

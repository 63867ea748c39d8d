// libvirt: where libvirtd runs, each of our networks is also a libvirt network of the
// same name (`<forward mode='bridge'/>` on our bridge), so virt-manager, virsh,
// virt-install and Cockpit list it. A definition is ours when it carries our metadata
// element; only those are ever defined over, started, stopped or undefined — libvirt's
// own networks (and anyone else's) are never touched.
import fs from 'node:fs';
import path from 'node:path';
import type { Network } from '../../../src-shared/model';
import { parseXml, child, children, type XmlElement } from '../../import/xml';
import type { CommandRunner } from '../runner';
import type { ExecContext } from '../types';

/** The namespace of the metadata element that marks a libvirt network as the app's. */
export const LIBVIRT_MARK_NS = 'https://vnet-editor.org/xmlns/libvirt/1';

export interface LibvirtNetwork {
  name: string;
  active: boolean;
  autostart: boolean;
  /** Carries our metadata element. */
  ours: boolean;
  /** `<bridge name=…>`, when set. */
  bridge?: string;
  /** `<forward mode=…>`, when set. */
  forward?: string;
  xml: string;
}

export type LibvirtState = { available: true; uri: string; networks: Map<string, LibvirtNetwork> } | { available: false; why: string };

/** The unix socket a `qemu:///system` URI connects to (its `socket=` parameter, else libvirt's default). */
export function libvirtSocket(uri: string): string {
  const query = uri.split('?')[1] ?? '';
  const socket = new URLSearchParams(query).get('socket');
  return socket ?? '/run/libvirt/libvirt-sock';
}

function virsh(uri: string, args: string[]): string[] {
  return ['virsh', '-q', '-c', uri, ...args];
}

/** The definition the app wants for one network. */
export function libvirtXml(network: Network): string {
  return [
    '<network>',
    `  <name>${network.name}</name>`,
    '  <metadata>',
    `    <vnet:network xmlns:vnet="${LIBVIRT_MARK_NS}" owner="vnet-editor"/>`,
    '  </metadata>',
    "  <forward mode='bridge'/>",
    `  <bridge name='${network.name}'/>`,
    '</network>',
    '',
  ].join('\n');
}

/** Reads name, bridge, forward mode and our mark from `virsh net-dumpxml` output. */
export function readNetworkXml(xml: string): Pick<LibvirtNetwork, 'ours' | 'bridge' | 'forward'> {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return { ours: false };
  }
  const metadata = child(root, 'metadata');
  // The prefix is libvirt's choice when it writes the XML back; the namespace URI is ours.
  const ours = !!metadata?.children.some((c) =>
    Object.entries(c.attributes).some(([k, v]) => k.startsWith('xmlns') && v === LIBVIRT_MARK_NS),
  );
  const bridge = child(root, 'bridge')?.attributes.name;
  const forward = child(root, 'forward')?.attributes.mode;
  return { ours, ...(bridge ? { bridge } : {}), ...(forward ? { forward } : {}) };
}

/** What libvirtd at `uri` has, or why it cannot be asked. Never starts libvirtd. */
export async function inspectLibvirt(runner: CommandRunner, uri: string | undefined): Promise<LibvirtState> {
  if (!uri) return { available: false, why: 'libvirt is switched off for this process' };
  if (!fs.existsSync(libvirtSocket(uri))) return { available: false, why: 'libvirtd is not running' };
  let list;
  try {
    list = await runner.run(virsh(uri, ['net-list', '--all']), { allowFailure: true });
  } catch (error) {
    return { available: false, why: error instanceof Error ? error.message : String(error) };
  }
  if (list.code !== 0) return { available: false, why: `virsh cannot reach ${uri}: ${(list.stderr || list.stdout).trim()}` };
  const networks = new Map<string, LibvirtNetwork>();
  for (const line of list.stdout.split('\n')) {
    const [name, state, autostart] = line.trim().split(/\s+/);
    if (!name || !state) continue;
    const dump = await runner.run(virsh(uri, ['net-dumpxml', name]), { allowFailure: true });
    // A network undefined between the two calls is simply gone.
    if (dump.code !== 0) continue;
    networks.set(name, {
      name,
      active: state === 'active',
      autostart: autostart === 'yes',
      xml: dump.stdout,
      ...readNetworkXml(dump.stdout),
    });
  }
  return { available: true, uri, networks };
}

/** Why an existing definition of ours needs work, or undefined when it matches. */
export function libvirtDrift(network: Network, found: LibvirtNetwork | undefined): string | undefined {
  if (!found) return 'missing';
  if (found.bridge !== network.name || found.forward !== 'bridge') return 'changed outside the app';
  if (!found.active) return 'not active';
  if (!found.autostart) return 'not started with libvirtd';
  return undefined;
}

async function writeXml(ctx: ExecContext, name: string, xml: string): Promise<string> {
  const file = path.join(ctx.dirs.state, `libvirt-${name}.xml`);
  fs.mkdirSync(ctx.dirs.state, { recursive: true });
  fs.writeFileSync(file, xml);
  return file;
}

async function define(ctx: ExecContext, uri: string, name: string, xml: string): Promise<void> {
  const file = await writeXml(ctx, name, xml);
  try {
    await ctx.runner.run(virsh(uri, ['net-define', file]));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function remove(runner: CommandRunner, uri: string, name: string): Promise<void> {
  // Inactive networks refuse net-destroy; that is fine, undefine is what matters.
  await runner.run(virsh(uri, ['net-destroy', name]), { allowFailure: true });
  await runner.run(virsh(uri, ['net-undefine', name]));
}

/** Defines (or repairs) our definition of `network`, starts it and marks it autostart; the undo puts back what was there. */
export async function defineLibvirtNetwork(
  ctx: ExecContext,
  uri: string,
  network: Network,
  before: LibvirtNetwork | undefined,
): Promise<void> {
  const name = network.name;
  ctx.onUndo(async () => {
    if (!before) await remove(ctx.runner, uri, name);
    else {
      await ctx.runner.run(virsh(uri, ['net-destroy', name]), { allowFailure: true });
      await define(ctx, uri, name, before.xml);
      if (before.active) await ctx.runner.run(virsh(uri, ['net-start', name]), { allowFailure: true });
    }
  });
  const redefine = !before || before.bridge !== name || before.forward !== 'bridge';
  if (redefine) {
    if (before?.active) await ctx.runner.run(virsh(uri, ['net-destroy', name]));
    await define(ctx, uri, name, libvirtXml(network));
  }
  if (redefine || !before?.active) await ctx.runner.run(virsh(uri, ['net-start', name]));
  await ctx.runner.run(virsh(uri, ['net-autostart', name]));
}

/** Removes our definition of a network; the undo defines it again as it was. */
export async function removeLibvirtNetwork(ctx: ExecContext, uri: string, found: LibvirtNetwork): Promise<void> {
  ctx.onUndo(async () => {
    await define(ctx, uri, found.name, found.xml);
    if (found.active) await ctx.runner.run(virsh(uri, ['net-start', found.name]), { allowFailure: true });
    if (found.autostart) await ctx.runner.run(virsh(uri, ['net-autostart', found.name]), { allowFailure: true });
  });
  await remove(ctx.runner, uri, found.name);
}

/** Guests libvirt knows, by MAC address (lower case): `mac → domain name`. Empty when libvirt cannot be asked. */
export async function libvirtGuests(runner: CommandRunner, uri: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!uri || !fs.existsSync(libvirtSocket(uri))) return out;
  const list = await runner.run(virsh(uri, ['list', '--all', '--name']), { allowFailure: true }).catch(() => undefined);
  if (!list || list.code !== 0) return out;
  for (const domain of list.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const dump = await runner.run(virsh(uri, ['dumpxml', domain]), { allowFailure: true });
    if (dump.code !== 0) continue;
    for (const mac of domainMacs(dump.stdout)) out.set(mac, domain);
  }
  return out;
}

/** MAC addresses of a domain's interfaces, from its XML. */
export function domainMacs(xml: string): string[] {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch {
    return [];
  }
  const devices = child(root, 'devices');
  if (!devices) return [];
  return children(devices, 'interface')
    .map((i) => child(i, 'mac')?.attributes.address?.toLowerCase())
    .filter((m): m is string => !!m);
}

// A real libvirtd, confined as the bench confines it (its own network namespace, a
// private mount namespace with its own /etc/libvirt, /run, /var): `vnet apply` defines
// our network there, libvirt lists it, a domain started on it sits on our bridge, the
// status names libvirt, leases name the domain, drift is repaired, and `down` removes
// exactly our definition while libvirt's own network stays.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natNetwork, type Config } from '../../../src-shared/model';
import { Cleanup } from '../../../bench/cleanup';
import { Netns } from '../../../bench/netns';
import { ensureLibvirtInstalled, LibvirtSandbox } from '../../../bench/libvirt';
import { cliBundle, ensureCliBuilt, run, waitFor, type Result } from '../lib/netns';
import { guestImage } from './image';

const cleanup = new Cleanup();
let ns: Netns;
let libvirt: LibvirtSandbox;
let dir: string;
const MAC = '52:54:00:7a:00:01';

// Domains run as root without cgroups, namespaces, a security driver or virtlogd: the sandbox has none of those.
const QEMU_CONF = [
  'user = "root"',
  'group = "root"',
  'security_driver = "none"',
  'cgroup_controllers = [ ]',
  'namespaces = [ ]',
  'stdio_handler = "file"',
  '',
].join('\n');

const LIBVIRT_OWN = `<network>
  <name>default</name>
  <bridge name='virbr0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'/>
</network>`;

function config(): Config {
  return { version: 1, networks: [natNetwork('vmnet8', '192.168.133.0/24')] };
}

function vnet(args: string[]): Promise<Result> {
  const env = {
    ...process.env,
    VNET_CONFIG_DIR: path.join(dir, 'config'),
    VNET_STATE_DIR: path.join(dir, 'state'),
    VNET_LIBVIRT_URI: libvirt.uri,
  };
  return run(['ip', 'netns', 'exec', ns.name, process.execPath, cliBundle, ...args], { env });
}

async function virsh(args: string[]): Promise<string> {
  const [cmd, argv] = libvirt.virshArgv(args);
  const r = await run([cmd, ...argv], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`virsh ${args.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout.trim();
}

function domainXml(kernel: string, initramfs: string, serial: string): string {
  return `<domain type='qemu'>
  <name>vnet-guest</name>
  <memory unit='MiB'>192</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>${kernel}</kernel><initrd>${initramfs}</initrd>
    <cmdline>console=ttyS0 panic=-1 vnet.name=libvirt</cmdline></os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <interface type='network'><source network='vmnet8'/><mac address='${MAC}'/><model type='virtio'/></interface>
    <serial type='file'><source path='${serial}'/></serial>
  </devices>
</domain>`;
}

beforeAll(async () => {
  const why = await ensureLibvirtInstalled(() => undefined);
  if (why) throw new Error(why);
  await ensureCliBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-libvirt-test-'));
  cleanup.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  ns = await Netns.create(cleanup, 'lv');
  libvirt = await LibvirtSandbox.start(cleanup, ns, { 'qemu.conf': QEMU_CONF });
  // Stop the domain while libvirtd still runs (cleanups run newest first).
  cleanup.add('destroy the test domain', async () => {
    await libvirt.virsh(['destroy', 'vnet-guest']).catch(() => undefined);
  });
  await libvirt.define(LIBVIRT_OWN, 'default');
  const file = path.join(dir, 'input.json');
  fs.writeFileSync(file, JSON.stringify(config()));
  const applied = await vnet(['apply', '--config', file]);
  expect(applied.code, applied.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await vnet(['down']).catch(() => undefined);
  const failures = await cleanup.run();
  expect(failures).toEqual([]);
});

describe('libvirt', () => {
  it('lists our network, active and autostarted, in bridge mode on our bridge', async () => {
    const list = await virsh(['net-list', '--all']);
    expect(list).toMatch(/^\s*vmnet8\s+active\s+yes\s+yes/m);
    const xml = await virsh(['net-dumpxml', 'vmnet8']);
    expect(xml).toMatch(/<forward mode=['"]bridge['"]\s*\/>/);
    expect(xml).toMatch(/<bridge name=['"]vmnet8['"]\s*\/>/);
    expect(xml).toContain('https://vnet-editor.org/xmlns/libvirt/1');
    const plan = await vnet(['plan', '--json']);
    expect(JSON.parse(plan.stdout)).toEqual([]);
  });

  it('a domain started on it sits on our bridge, and its lease names the domain', async () => {
    const image = guestImage();
    const serial = path.join(dir, 'libvirt-guest.log');
    const file = path.join(dir, 'domain.xml');
    fs.writeFileSync(file, domainXml(image.kernel, image.initramfs, serial));
    await virsh(['create', file]);
    const iflist = await virsh(['domiflist', 'vnet-guest']);
    expect(iflist).toMatch(new RegExp(`^\\s*\\S+\\s+(?:bridge|network)\\s+vmnet8\\s+virtio\\s+${MAC}`, 'm'));
    const tap = iflist.trim().split(/\s+/)[0]!;
    const link = JSON.parse((await run(['ip', '-n', ns.name, '-j', 'link', 'show', tap])).stdout) as { master?: string }[];
    expect(link[0]?.master).toBe('vmnet8');
    const serialText = (): string => (fs.existsSync(serial) ? fs.readFileSync(serial, 'utf8') : '');
    await waitFor('the libvirt guest to get its lease', () => /VNET lease /.test(serialText()), 90_000).catch((error: Error) => {
      throw new Error(`${error.message}; its console ended with: ${serialText().trim().split('\n').slice(-8).join(' | ')}`);
    });
    const raw = await vnet(['leases', '--json']);
    const leases = JSON.parse(raw.stdout) as { mac: string; vm?: string }[];
    expect(leases.find((l) => l.mac === MAC)?.vm).toBe('vnet-guest');
  });

  it('status says libvirt sees the network', async () => {
    const status = await vnet(['status']);
    expect(status.stdout).toMatch(/libvirt: sees it \(libvirt network vmnet8 on /);
  });

  it('repairs a definition changed outside the app', async () => {
    await virsh(['net-destroy', 'vmnet8']);
    const plan = JSON.parse((await vnet(['plan', '--json'])).stdout) as { description: string }[];
    expect(plan.map((o) => o.description)).toEqual(['Repair the libvirt network vmnet8 (not active)']);
    expect((await vnet(['apply'])).code).toBe(0);
    expect(await virsh(['net-list', '--name'])).toMatch(/^vmnet8$/m);
  });

  it('down removes our definition and leaves libvirt’s own network', async () => {
    await virsh(['destroy', 'vnet-guest']).catch(() => undefined);
    const down = await vnet(['down']);
    expect(down.code, down.stderr).toBe(0);
    const names = (await virsh(['net-list', '--all', '--name'])).split('\n').map((s) => s.trim());
    expect(names).not.toContain('vmnet8');
    expect(names).toContain('default');
  });
});

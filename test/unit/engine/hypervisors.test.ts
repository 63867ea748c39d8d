// libvirt definitions and the bridge helper's ACL: what is planned from what is found,
// the argv that carries it out, and that nothing the app did not define is touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostOnlyNetwork, natNetwork, type Config } from '../../../src-shared/model';
import { planDown, planSteps, runSteps } from '../../../src-main/engine/core';
import { RecordingRunner } from '../../../src-main/engine/runner';
import { domainMacs, libvirtXml, readNetworkXml, type LibvirtNetwork } from '../../../src-main/engine/hypervisors/libvirt';
import { aclText, allowBridgeHelper, forgetBridgeHelper, inspectBridgeHelper } from '../../../src-main/engine/hypervisors/bridge-helper';
import { hypervisorReport } from '../../../src-main/engine/hypervisors/status';
import type { HostState } from '../../../src-main/engine/types';
import type { Dirs } from '../../../src-main/paths';
import { appliedHost } from './host-state';

const URI = 'qemu:///system?socket=/run/test/libvirt-sock';
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true });
});

function tempDirs(): Dirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-hv-'));
  temps.push(root);
  return { config: path.join(root, 'config'), state: path.join(root, 'state'), libvirt: URI, qemu: path.join(root, 'qemu') };
}

function config(extra: Partial<Config> = {}): Config {
  return { version: 1, networks: [hostOnlyNetwork('vmnet1', '192.168.56.0/24'), natNetwork('vmnet8', '192.168.133.0/24')], ...extra };
}

/** What `virsh net-dumpxml` prints for a definition libvirt read from ours (it adds a uuid, keeps our metadata). */
function defined(name: string, over: Partial<LibvirtNetwork> = {}): LibvirtNetwork {
  const xml = libvirtXml(natNetwork(name, '192.168.133.0/24')).replace('<name>', '<uuid>0f0e</uuid>\n  <name>');
  return { name, active: true, autostart: true, xml, ...readNetworkXml(xml), ...over };
}

function withLibvirt(state: HostState, networks: LibvirtNetwork[]): HostState {
  state.libvirt = { available: true, uri: URI, networks: new Map(networks.map((n) => [n.name, n])) };
  return state;
}

const LIBVIRT_DEFAULT = `<network>
  <name>default</name>
  <uuid>1234</uuid>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'/>
</network>`;

describe('libvirt definitions', () => {
  it('marks our definition with a metadata element, and reads the mark back whatever prefix libvirt gives it', () => {
    const xml = libvirtXml(natNetwork('vmnet8', '192.168.133.0/24'));
    expect(xml).toContain("<forward mode='bridge'/>");
    expect(xml).toContain("<bridge name='vmnet8'/>");
    expect(readNetworkXml(xml)).toEqual({ ours: true, bridge: 'vmnet8', forward: 'bridge' });
    const rewritten = xml.replace(/vnet:network xmlns:vnet/, 'ns0:network xmlns:ns0');
    expect(readNetworkXml(rewritten).ours).toBe(true);
    expect(readNetworkXml(LIBVIRT_DEFAULT)).toEqual({ ours: false, bridge: 'virbr0', forward: 'nat' });
  });

  it('defines, starts and autostarts each network where libvirtd runs; never touches libvirt’s own network', async () => {
    const dirs = tempDirs();
    const state = withLibvirt(appliedHost(config(), dirs), [
      { name: 'default', active: true, autostart: true, xml: LIBVIRT_DEFAULT, ...readNetworkXml(LIBVIRT_DEFAULT) },
    ]);
    const plan = planSteps(config(), state, dirs);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['define-libvirt-network', 'define-libvirt-network']);
    const runner = new RecordingRunner();
    const outcome = await runSteps(plan.steps, runner, dirs, state.journal);
    expect(outcome.ok, outcome.error).toBe(true);
    const virsh = runner.lines().filter((l) => l.startsWith('virsh'));
    expect(virsh.map((l) => l.replace(/ \/\S+libvirt-(\w+)\.xml/, ' FILE-$1'))).toEqual([
      `virsh -q -c ${URI} net-define FILE-vmnet1`,
      `virsh -q -c ${URI} net-start vmnet1`,
      `virsh -q -c ${URI} net-autostart vmnet1`,
      `virsh -q -c ${URI} net-define FILE-vmnet8`,
      `virsh -q -c ${URI} net-start vmnet8`,
      `virsh -q -c ${URI} net-autostart vmnet8`,
    ]);
    expect(virsh.join('\n')).not.toContain('default');
  });

  it('plans nothing once libvirt has them, and repairs what changed', () => {
    const dirs = tempDirs();
    const matching = withLibvirt(appliedHost(config(), dirs), [defined('vmnet1'), defined('vmnet8')]);
    expect(planSteps(config(), matching, dirs).steps).toEqual([]);
    const drifted = withLibvirt(appliedHost(config(), dirs), [
      defined('vmnet1', { active: false }),
      defined('vmnet8', { bridge: 'virbr9' }),
    ]);
    expect(planSteps(config(), drifted, dirs).steps.map((s) => s.operation.description)).toEqual([
      'Repair the libvirt network vmnet1 (not active)',
      'Repair the libvirt network vmnet8 (changed outside the app)',
    ]);
  });

  it('leaves a libvirt network of the same name that is not ours, and says so', () => {
    const dirs = tempDirs();
    const foreign = { ...defined('vmnet8'), ours: false };
    const plan = planSteps(config(), withLibvirt(appliedHost(config(), dirs), [defined('vmnet1'), foreign]), dirs);
    expect(plan.steps).toEqual([]);
    expect(plan.warnings.join('\n')).toMatch(/libvirt already has a network named vmnet8 that this app did not define/);
  });

  it('"libvirtNetworks": false removes our definitions; a config without the field keeps them', () => {
    const dirs = tempDirs();
    const state = withLibvirt(appliedHost(config(), dirs), [defined('vmnet1'), defined('vmnet8')]);
    expect(planSteps(config({ libvirtNetworks: false }), state, dirs).steps.map((s) => s.operation.op)).toEqual([
      'remove-libvirt-network',
      'remove-libvirt-network',
    ]);
    expect(planSteps(config({ libvirtNetworks: true }), state, dirs).steps).toEqual([]);
  });

  it('down removes only the named networks’ definitions, and rolls a failed removal back', async () => {
    const dirs = tempDirs();
    const state = withLibvirt(appliedHost(config(), dirs), [defined('vmnet1'), defined('vmnet8')]);
    const steps = planDown(['vmnet8'], [config().networks[0]!], state, dirs, (name) => state.journal.networks[name]);
    const libvirtSteps = steps.filter((s) => s.operation.op.includes('libvirt'));
    expect(libvirtSteps.map((s) => s.operation.target)).toEqual(['libvirt network vmnet8']);
    const runner = new RecordingRunner().respond(['virsh', '-q', '-c', URI, 'net-undefine'], { code: 1, stderr: 'boom' });
    const outcome = await runSteps(libvirtSteps, runner, dirs, state.journal);
    expect(outcome.ok).toBe(false);
    // Put back as it was: defined again, started, autostarted.
    expect(
      runner
        .lines()
        .slice(-3)
        .map((l) => l.split(' ').slice(4, 5)[0]),
    ).toEqual(['net-define', 'net-start', 'net-autostart']);
  });

  it('finds the MAC addresses of a domain', () => {
    const xml = `<domain type='kvm'><name>web</name><devices>
      <interface type='network'><mac address='52:54:00:AA:bb:01'/><source network='vmnet8'/></interface>
      <interface type='bridge'><mac address='52:54:00:aa:bb:02'/><source bridge='vmnet1'/></interface>
    </devices></domain>`;
    expect(domainMacs(xml)).toEqual(['52:54:00:aa:bb:01', '52:54:00:aa:bb:02']);
  });

  it('status says whether libvirt sees the network, and why not', () => {
    const dirs = tempDirs();
    const n = config().networks[1]!;
    const seen = hypervisorReport(n, config(), withLibvirt(appliedHost(config(), dirs), [defined('vmnet8')]), undefined);
    expect(seen.views).toEqual([{ hypervisor: 'libvirt', sees: true, detail: `libvirt network vmnet8 on ${URI}` }]);
    const missing = hypervisorReport(n, config(), withLibvirt(appliedHost(config(), dirs), []), undefined);
    expect(missing.views[0]).toMatchObject({ sees: false, detail: 'libvirt network vmnet8 is missing' });
    expect(missing.problems[0]).toMatch(/run `vnet apply`/);
    const off = hypervisorReport(n, config({ libvirtNetworks: false }), withLibvirt(appliedHost(config(), dirs), []), undefined);
    expect(off.views[0]!.detail).toMatch(/switched off/);
    expect(off.problems).toEqual([]);
  });
});

describe('QEMU bridge helper', () => {
  it('adds the include line once, keeps the user’s own lines, and takes only its own away again', () => {
    const dirs = tempDirs();
    const qemu = dirs.qemu!;
    fs.mkdirSync(qemu, { recursive: true });
    fs.writeFileSync(path.join(qemu, 'bridge.conf'), 'allow br0');
    expect(allowBridgeHelper(qemu, config().networks)).toEqual({ changed: true });
    expect(allowBridgeHelper(qemu, config().networks)).toEqual({ changed: false });
    expect(fs.readFileSync(path.join(qemu, 'bridge.conf'), 'utf8')).toBe(`allow br0\ninclude ${qemu}/vnet-editor.conf\n`);
    expect(fs.readFileSync(path.join(qemu, 'vnet-editor.conf'), 'utf8')).toMatch(/^allow vmnet1\nallow vmnet8\n$/m);
    expect(inspectBridgeHelper(qemu)?.allowed).toBe(true);
    expect(forgetBridgeHelper(qemu)).toEqual({ changed: true });
    expect(fs.readFileSync(path.join(qemu, 'bridge.conf'), 'utf8')).toBe('allow br0\n');
    expect(fs.existsSync(path.join(qemu, 'vnet-editor.conf'))).toBe(false);
  });

  it('creates bridge.conf when there is none, and removes it when only its line was there', () => {
    const qemu = tempDirs().qemu!;
    allowBridgeHelper(qemu, config().networks);
    expect(fs.readFileSync(path.join(qemu, 'bridge.conf'), 'utf8')).toBe(`include ${qemu}/vnet-editor.conf\n`);
    forgetBridgeHelper(qemu);
    expect(fs.readdirSync(qemu)).toEqual([]);
  });

  it('keeps the ACL listing exactly the networks once allowed, and never writes it without consent', async () => {
    const dirs = tempDirs();
    const qemu = dirs.qemu!;
    const state = appliedHost(config(), dirs);
    state.bridgeHelper = inspectBridgeHelper(qemu)!;
    expect(planSteps(config(), state, dirs).steps).toEqual([]);
    allowBridgeHelper(qemu, [config().networks[0]!]);
    state.bridgeHelper = inspectBridgeHelper(qemu)!;
    const plan = planSteps(config(), state, dirs);
    expect(plan.steps.map((s) => s.operation.op)).toEqual(['write-bridge-helper-acl']);
    expect((await runSteps(plan.steps, new RecordingRunner(), dirs, state.journal)).ok).toBe(true);
    expect(fs.readFileSync(path.join(qemu, 'vnet-editor.conf'), 'utf8')).toBe(aclText(config().networks));
    state.bridgeHelper = inspectBridgeHelper(qemu)!;
    expect(planSteps(config(), state, dirs).steps).toEqual([]);
  });
});

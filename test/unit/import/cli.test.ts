// The import, export and install-service commands, run through the real CLI framework.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Command } from '../../../src-main/cli/framework';
import { importCommand } from '../../../src-main/cli/commands/import';
import { exportCommand } from '../../../src-main/cli/commands/export';
import {
  installService,
  installServiceCommand,
  packagedUnit,
  removeService,
  serviceUnit,
  systemdWord,
  type Systemd,
} from '../../../src-main/cli/commands/install-service';
import { parseConfigText } from '../../../src-shared/model';
import { libvirtFixture, vmwareFixture } from './helpers';

const root = path.join(__dirname, '../../..');
const commands: Command[] = [importCommand, exportCommand, installServiceCommand];
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-cli-import-'));
  temps.push(dir);
  return dir;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const dirs = { config: env.VNET_CONFIG_DIR ?? tempDir(), state: env.VNET_STATE_DIR ?? tempDir() };
  const code = await runCli(commands, argv, { io: { out: (t) => (out += t), err: (t) => (err += t) }, env, dirs, cwd: root });
  return { code, out, err };
}

describe('vnet import', () => {
  it('prints a version-1 config that validates on stdout, notes on stderr, exit 0', async () => {
    const { code, out, err } = await run(['import', '--from', 'libvirt', libvirtFixture('networks/default.xml')]);
    expect(code).toBe(0);
    const parsed = parseConfigText(out);
    expect(parsed.ok).toBe(true);
    expect(err).toContain("note: net-default: libvirt's address 192.168.122.1 stays the guests' gateway");
    expect(err).toContain('imported 1 network from');
    expect(out).not.toContain('note:');
  });

  it('reads a VMware folder', async () => {
    const { code, out } = await run(['import', '--from', 'vmware', vmwareFixture('etc-vmware')]);
    expect(code).toBe(0);
    const parsed = parseConfigText(out);
    expect(parsed.ok && parsed.config.networks.map((n) => n.name)).toEqual(['vmnet0', 'vmnet1', 'vmnet2', 'vmnet8']);
  });

  it('exits 2 naming FILE:LINE for unreadable input, with nothing on stdout', async () => {
    const file = vmwareFixture('broken/bad-portfwd');
    const { code, out, err } = await run(['import', '--from', 'vmware', file]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`vnet import: ${file}:5: host port "80800" is not a port number (1-65535)\n`);
  });

  it('exits 2 for a missing or unknown --from', async () => {
    expect((await run(['import', 'x'])).err).toContain('--from vmware or --from libvirt is required');
    const wrong = await run(['import', '--from', 'hyperv', 'x']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--from must be vmware or libvirt, not "hyperv"');
  });
});

describe('vnet export', () => {
  it('writes the stored config as version-1 JSON, byte for byte what the store keeps', async () => {
    const configDir = tempDir();
    const stored = fs.readFileSync(path.join(root, 'test/fixtures/example.json'), 'utf8');
    const parsed = parseConfigText(stored);
    if (!parsed.ok) throw new Error('example fixture is invalid');
    fs.writeFileSync(path.join(configDir, 'networks.json'), `${JSON.stringify(parsed.config, null, 2)}\n`);
    const { code, out } = await run(['export'], { VNET_CONFIG_DIR: configDir });
    expect(code).toBe(0);
    expect(out).toBe(fs.readFileSync(path.join(configDir, 'networks.json'), 'utf8'));
    const target = path.join(tempDir(), 'out.json');
    expect((await run(['export', '--output', target], { VNET_CONFIG_DIR: configDir })).code).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe(out);
  });

  it('says so when nothing is stored yet (exit 1)', async () => {
    const { code, err } = await run(['export'], { VNET_CONFIG_DIR: tempDir() });
    expect(code).toBe(1);
    expect(err).toContain('no config is stored yet');
  });

  it('round-trips: an imported config exported again is the same text', async () => {
    const imported = await run(['import', '--from', 'vmware', vmwareFixture('networking-only/networking')]);
    const configDir = tempDir();
    fs.writeFileSync(path.join(configDir, 'networks.json'), imported.out);
    expect((await run(['export'], { VNET_CONFIG_DIR: configDir })).out).toBe(imported.out);
  });
});

describe('the systemd unit', () => {
  it('assets/vnet-editor.service is exactly the packaged unit (regenerate it from packagedUnit() after changes)', () => {
    expect(fs.readFileSync(path.join(root, 'assets/vnet-editor.service'), 'utf8')).toBe(packagedUnit());
  });

  it('is a oneshot that stays active, runs vnet apply, has no ExecStop, and orders itself before the hypervisors', () => {
    const unit = packagedUnit();
    expect(unit).toMatch(/^Type=oneshot$/m);
    expect(unit).toMatch(/^RemainAfterExit=yes$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/vnet apply$/m);
    expect(unit).not.toMatch(/^ExecStop/m);
    expect(unit).toMatch(/^Before=.*\blibvirtd\.service\b.*\blibvirt-guests\.service\b.*\bvmware\.service\b/m);
    expect(unit).toMatch(/^After=.*\bnetwork-online\.target\b.*\bnftables\.service\b/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
    expect(unit).toMatch(/^ConditionPathExists=\/etc\/vnet-editor\/networks\.json$/m);
  });

  it('quotes ExecStart words with spaces', () => {
    expect(systemdWord('/opt/Virtual Network Editor/vnet')).toBe('"/opt/Virtual Network Editor/vnet"');
    expect(systemdWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(serviceUnit({ execStart: 'x', configDir: '/c', environment: { VNET_CONFIG_DIR: '/my dir' } })).toContain(
      'Environment="VNET_CONFIG_DIR=/my dir"\n',
    );
  });
});

describe('vnet install-service', () => {
  function fakeSystemd(running: boolean): Systemd & { calls: string[][] } {
    const calls: string[][] = [];
    return { calls, running: () => running, systemctl: async (args) => void calls.push(args) };
  }
  const io = (): { io: { out: (t: string) => void; err: (t: string) => void }; text: () => string } => {
    let text = '';
    return { io: { out: (t) => (text += t), err: (t) => (text += t) }, text: () => text };
  };

  it('writes the unit with the checkout paths into --unit-dir and does not run systemctl', async () => {
    const unitDir = tempDir();
    const { code, out } = await run(['install-service', '--unit-dir', unitDir, '--prefix', root], { VNET_CONFIG_DIR: '/srv/vnet' });
    expect(code).toBe(0);
    const unit = fs.readFileSync(path.join(unitDir, 'vnet-editor.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${systemdWord(process.execPath)} ${systemdWord(path.join(root, 'bin/vnet.cjs'))} apply\n`);
    expect(unit).toContain('Environment=VNET_CONFIG_DIR=/srv/vnet\n');
    expect(unit).toContain('ConditionPathExists=/srv/vnet/networks.json\n');
    expect(out).toContain('systemctl was not run');
  });

  it('enables the unit when systemd runs: daemon-reload, then enable', async () => {
    const systemd = fakeSystemd(true);
    const o = io();
    await installService({ checkout: root, unitDir: tempDir(), enable: true, node: '/usr/bin/node', env: {} }, systemd, o.io);
    expect(systemd.calls).toEqual([['daemon-reload'], ['enable', 'vnet-editor.service']]);
    expect(o.text()).toContain('enabled vnet-editor.service');
  });

  it('says plainly when systemd is not running, and what it wrote', async () => {
    const systemd = fakeSystemd(false);
    const o = io();
    const unitDir = tempDir();
    await installService({ checkout: root, unitDir, enable: true, node: '/usr/bin/node', env: {} }, systemd, o.io);
    expect(systemd.calls).toEqual([]);
    expect(o.text()).toContain(`wrote ${unitDir}/vnet-editor.service`);
    expect(o.text()).toContain('systemd is not running on this host, so the unit was written but not enabled');
  });

  it('--remove disables and deletes the unit', async () => {
    const unitDir = tempDir();
    fs.writeFileSync(path.join(unitDir, 'vnet-editor.service'), packagedUnit());
    const systemd = fakeSystemd(true);
    const o = io();
    await removeService(unitDir, true, systemd, o.io);
    expect(fs.existsSync(path.join(unitDir, 'vnet-editor.service'))).toBe(false);
    expect(systemd.calls).toEqual([['disable', 'vnet-editor.service'], ['daemon-reload']]);
  });

  it('refuses a --prefix that is not a checkout, and an unwritable unit folder', async () => {
    const notCheckout = await run(['install-service', '--unit-dir', tempDir(), '--prefix', tempDir()]);
    expect(notCheckout.code).toBe(1);
    expect(notCheckout.err).toContain('is not a source checkout');
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const unwritable = await run(['install-service', '--unit-dir', file, '--prefix', root]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).toContain(`cannot write ${file}/vnet-editor.service`);
  });
});

// The offline packaging check: build the app from a copy of this checkout, package it
// with electron-builder's `dir` target against a stub Electron (the real binary is
// not downloadable here, and nothing may be downloaded), then look inside the result
// the way an installed package would be used: the asar holds main, preload, renderer
// and helper; resources hold the polkit policy, the systemd unit and the vnet launcher;
// the bundled CLI runs from the package alone.
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOnlyNetwork } from '../../../src-shared/model';
import { Sandbox, vnetDirs } from '../lib/netns';

const run = promisify(execFile);
const root = path.join(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const asar = require('@electron/asar') as { listPackage(file: string, options: { isPack: boolean }): string[] };

/** What the package is made of; a missing one is reported by name before anything is built. */
const INPUTS = [
  'electron-builder.yml',
  'scripts/build.mjs',
  'src-main/electron/main.ts',
  'src-main/preload/preload.ts',
  'src-main/helper/main.ts',
  'src-main/cli/main.ts',
  'src-renderer/index.html',
  'assets/vnet-editor.service',
  'assets/org.vnet-editor.helper.policy',
  'assets/icon.png',
  'build/linux/vnet',
  'build/linux/after-install.sh',
  'build/linux/after-remove.sh',
];
/** Copied into the build folder: everything the build and electron-builder read, nothing they write. */
const COPY = [
  'package.json',
  // npm list (electron-builder's dependency scan) reads the lock file.
  'package-lock.json',
  'electron-builder.yml',
  'tsconfig.json',
  'tsconfig.base.json',
  'scripts',
  'src-shared',
  'src-main',
  'src-renderer',
  'bin',
  'assets',
  'build',
];
const SKIP = new Set(['node_modules', '.git', 'dist', 'release', '.tsbuild']);

let work: string;
let unpacked: string;
let asarFile: string;
let entries: string[];
const timings: Record<string, number> = {};

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[name] = Date.now() - started;
  }
}

describe('the Linux package (electron-builder --linux dir)', () => {
  beforeAll(async () => {
    const missing = INPUTS.filter((f) => !fs.existsSync(path.join(root, f)));
    if (missing.length > 0) throw new Error(`cannot package: missing ${missing.join(', ')}`);

    // A private copy, so building never rewrites the dist/ other tests are running from.
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-package-'));
    for (const entry of COPY) {
      const from = path.join(root, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(work, entry), { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    await timed('build', () => run(process.execPath, ['scripts/build.mjs'], { cwd: work, timeout: 180_000 }));

    // The stub Electron: electron-builder copies this folder and renames `electron`.
    const stub = path.join(work, 'electron-stub');
    fs.mkdirSync(stub);
    // In Node mode (what the vnet launcher and the helper use) it runs Node instead.
    fs.writeFileSync(
      path.join(stub, 'electron'),
      `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "stub Electron (packaging test): Node mode only" >&2; exit 1; }\nexec '${process.execPath}' "$@"\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(stub, 'LICENSE'), 'stub\n');

    const out = path.join(work, 'release');
    // Any download attempt goes to a closed local port and fails: the build must not need one.
    const offline = {
      ...process.env,
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      ELECTRON_BUILDER_CACHE: path.join(work, 'cache'),
      ELECTRON_CACHE: path.join(work, 'cache'),
      CI: '1',
    };
    await timed('electron-builder', () =>
      run(
        process.execPath,
        [
          path.join(root, 'node_modules/electron-builder/cli.js'),
          '--linux',
          'dir',
          '--publish',
          'never',
          `-c.electronDist=${stub}`,
          `-c.directories.output=${out}`,
        ],
        { cwd: work, env: offline, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      ),
    );
    unpacked = path.join(out, 'linux-unpacked');
    asarFile = path.join(unpacked, 'resources', 'app.asar');
    entries = asar.listPackage(asarFile, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
  }, 400_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    // Kept in the test log so a slow packaging step shows up.
    console.log(`packaging timings (ms): ${JSON.stringify(timings)}`);
  });

  it('has the app binary named after executableName', () => {
    expect(fs.statSync(path.join(unpacked, 'vnet-editor')).mode & 0o111).not.toBe(0);
  });

  it('holds main, preload, helper, CLI and renderer in the asar', () => {
    for (const file of [
      '/package.json',
      '/dist/main.cjs',
      '/dist/preload.cjs',
      '/dist/helper.cjs',
      '/dist/cli.cjs',
      '/dist/renderer/index.html',
    ]) {
      expect(entries, `${file} in app.asar`).toContain(file);
    }
    expect(
      entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e)),
      'renderer scripts in app.asar',
    ).toBe(true);
    expect(entries, 'window icon in app.asar').toContain('/assets/icon.png');
  });

  it('leaves node_modules, sources, source maps and tests out', () => {
    const unwanted = entries.filter((e) => /^\/(node_modules|src-|test|e2e|scripts)(\/|$)/.test(e) || e.endsWith('.map'));
    expect(unwanted).toEqual([]);
  });

  it('keeps the asar small (under 5 MB)', () => {
    const size = fs.statSync(asarFile).size;
    console.log(`app.asar is ${(size / 1024 / 1024).toFixed(2)} MB with ${entries.length} entries`);
    expect(size).toBeGreaterThan(10_000);
    expect(size).toBeLessThan(5 * 1024 * 1024);
  });

  it('unpacks the CLI and helper next to the asar, for ELECTRON_RUN_AS_NODE', () => {
    for (const file of ['dist/cli.cjs', 'dist/helper.cjs']) {
      expect(fs.existsSync(path.join(unpacked, 'resources', 'app.asar.unpacked', file)), file).toBe(true);
    }
  });

  it('ships the polkit policy, the systemd unit, the helper and the vnet launcher as resources', () => {
    const resources = path.join(unpacked, 'resources');
    expect(fs.readFileSync(path.join(resources, 'vnet-editor.service'), 'utf8')).toBe(
      fs.readFileSync(path.join(root, 'assets/vnet-editor.service'), 'utf8'),
    );
    expect(fs.readFileSync(path.join(resources, 'org.vnet-editor.helper.policy'), 'utf8')).toBe(
      fs.readFileSync(path.join(root, 'assets/org.vnet-editor.helper.policy'), 'utf8'),
    );
    expect(fs.statSync(path.join(resources, 'bin', 'vnet')).mode & 0o111).not.toBe(0);
    // main.ts starts the helper from resources/helper.cjs when packaged; so does the pkexec launcher.
    expect(fs.readFileSync(path.join(resources, 'helper.cjs'), 'utf8')).toBe(
      fs.readFileSync(path.join(resources, 'app.asar.unpacked', 'dist', 'helper.cjs'), 'utf8'),
    );
  });

  it('runs vnet through the launcher /usr/bin/vnet links to, with the app binary in Node mode', async () => {
    const link = path.join(work, 'usr-bin-vnet');
    fs.symlinkSync(path.join(unpacked, 'resources', 'bin', 'vnet'), link);
    const { stdout } = await run(link, ['--version'], { cwd: os.tmpdir(), env: { PATH: process.env.PATH } });
    expect(stdout).toMatch(/^vnet \d+\.\d+\.\d+/);
  });

  it('runs the packaged CLI on its own (no node_modules): import a libvirt network', async () => {
    // Node stands in for the app's Electron in Node mode, which the launcher uses.
    const cli = path.join(unpacked, 'resources', 'app.asar.unpacked', 'dist', 'cli.cjs');
    const { stdout } = await run(
      process.execPath,
      [cli, 'import', '--from', 'libvirt', path.join(root, 'test/fixtures/libvirt/networks/default.xml')],
      {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH, NODE_PATH: '' },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ version: 1, networks: [{ name: 'net-default', type: 'nat' }] });
  });

  it('starts a trial from the packaged helper: its watchdog finds the CLI under app.asar.unpacked (security item 4)', async () => {
    const sandbox = new Sandbox();
    try {
      const ns = await sandbox.netns('pkgtrial');
      const runtime = sandbox.tempDir('run');
      const dirs = vnetDirs(sandbox);
      // What pkexec leaves: no VNET_CLI_PATH, nothing that points at the CLI.
      const env = { PATH: process.env.PATH, VNET_RUNTIME_DIR: runtime, VNET_CONFIG_DIR: dirs.config, VNET_STATE_DIR: dirs.state };
      const helper = spawn('ip', ['netns', 'exec', ns.name, process.execPath, path.join(unpacked, 'resources', 'helper.cjs')], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      sandbox.track(helper);
      let said = '';
      await new Promise<void>((resolve, reject) => {
        helper.stdout!.on('data', (d: Buffer) => {
          said += d.toString();
          if (said.includes('listening on')) resolve();
        });
        helper.stderr!.on('data', (d: Buffer) => (said += d.toString()));
        helper.on('exit', () => reject(new Error(`the packaged helper exited: ${said}`)));
      });
      const config = {
        version: 1,
        networks: [
          { ...hostOnlyNetwork('vmnet9', '10.79.9.0/24'), dhcp: { ...hostOnlyNetwork('vmnet9', '10.79.9.0/24').dhcp, enabled: false } },
        ],
      };
      const socket = net.createConnection(path.join(runtime, '0', 'helper.sock'));
      const answer = await new Promise<{ ok: boolean; result?: { ok: boolean; error?: string }; error?: { message: string } }>(
        (resolve) => {
          let buffer = '';
          socket.on('data', (d) => {
            buffer += d.toString();
            for (const line of buffer.split('\n').slice(0, -1)) {
              const frame = JSON.parse(line) as { event?: string };
              if (frame.event === undefined) resolve(frame as never);
            }
          });
          socket.write(`${JSON.stringify({ id: 1, channel: 'apply', request: { config, trySeconds: 60 } })}\n`);
        },
      );
      socket.destroy();
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      expect(answer.result?.ok, answer.result?.error).toBe(true);
      const pids = (await run('ip', ['netns', 'pids', ns.name])).stdout.split(/\s+/).filter(Boolean);
      const watchdogs = pids
        .map((pid) => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          } catch {
            return [];
          }
        })
        .filter((argv) => argv.includes('__watchdog'));
      expect(watchdogs.map((argv) => argv[1])).toEqual([path.join(unpacked, 'resources', 'app.asar.unpacked', 'dist', 'cli.cjs')]);
    } finally {
      await sandbox.cleanup();
    }
  });
});

describe('electron-builder.yml', () => {
  // js-yaml comes with electron-builder, which reads this same file with it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    Record<string, unknown> & unknown
  >;
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

  it('names the app and keeps node_modules out of an asar package', () => {
    expect(config).toMatchObject({
      appId: 'org.vnet-editor.app',
      productName: 'Virtual Network Editor',
      executableName: 'vnet-editor',
      asar: true,
    });
    expect(list(config.files)).toContain('!node_modules/**');
  });

  it('declares deb, rpm and AppImage for Linux, nsis for Windows and dmg for macOS', () => {
    expect(list(config.linux!.target)).toEqual(['deb', 'rpm', 'AppImage']);
    expect(list(config.win!.target)).toEqual(['nsis']);
    expect(list(config.mac!.target)).toEqual(['dmg']);
  });

  it('makes the deb and rpm depend on what the engine runs, and keeps the GUI libraries', () => {
    expect(list(config.deb!.depends)).toEqual(
      expect.arrayContaining(['dnsmasq-base', 'nftables', 'iproute2', 'pkexec | policykit-1', 'libnss3']),
    );
    expect(list(config.rpm!.depends)).toEqual(expect.arrayContaining(['dnsmasq', 'nftables', 'iproute', 'polkit', 'findutils', 'nss']));
    for (const target of ['deb', 'rpm']) {
      expect(config[target]).toMatchObject({ afterInstall: 'build/linux/after-install.sh', afterRemove: 'build/linux/after-remove.sh' });
    }
  });
});

describe('the deb/rpm maintainer scripts', () => {
  // electron-builder fills in ${name} macros and refuses unknown ones; do the same here.
  const macros: Record<string, string> = { executable: 'vnet-editor', sanitizedProductName: 'Virtual Network Editor' };
  it.each(['after-install.sh', 'after-remove.sh'])('%s renders with electron-builder macros and is valid sh', async (script) => {
    const text = fs.readFileSync(path.join(root, 'build/linux', script), 'utf8');
    const unknown = [...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]!).filter((name) => !(name in macros));
    expect(unknown, 'macros electron-builder does not define').toEqual([]);
    const rendered = text.replace(/\$\{([a-zA-Z]+)\}/g, (_, name: string) => macros[name]!);
    const file = path.join(os.tmpdir(), `vnet-${process.pid}-${script}`);
    fs.writeFileSync(file, rendered);
    try {
      await run('sh', ['-n', file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('post-install links vnet, installs the helper launcher, the policy and the unit, and enables it', () => {
    const text = fs.readFileSync(path.join(root, 'build/linux/after-install.sh'), 'utf8');
    expect(text).toContain('ln -sf "$RES/bin/vnet" /usr/bin/vnet');
    expect(text).toContain('/usr/libexec/vnet-editor/vnet-helper');
    expect(text).toContain('/usr/share/polkit-1/actions/org.vnet-editor.helper.policy');
    expect(text).toContain('/usr/lib/systemd/system/vnet-editor.service');
    expect(text).toContain('systemctl enable vnet-editor.service');
  });
});

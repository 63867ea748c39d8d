// `vnet validate` behaves as DESIGN's table says, run as a user runs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src-main/cli/commands';

const root = path.join(__dirname, '../../..');
const example = fs.readFileSync(path.join(root, 'test/fixtures/example.json'), 'utf8');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-cli-'));
  // Build the CLI bundle once, as `npm test` does before the unit stage.
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'cli'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function vnet(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [path.join(root, 'bin/vnet.cjs'), ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, VNET_CONFIG_DIR: path.join(dir, 'etc'), VNET_STATE_DIR: path.join(dir, 'state') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('vnet validate', () => {
  it('exits 0 for a valid file', () => {
    const r = vnet(['validate', file('ok.json', example)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('reads standard input with -', () => {
    expect(vnet(['validate', '-'], example).code).toBe(0);
  });

  it('exits 2 with one PATH: message line per error', () => {
    const config = JSON.parse(example);
    config.networks[2].dhcp.rangeEnd = '192.168.134.254';
    config.networks[1].hostAdapter.address = '192.168.56.255';
    const r = vnet(['validate', file('bad.json', JSON.stringify(config))]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^networks\[2\]\.dhcp\.rangeEnd: .*outside/));
    expect(lines).toContainEqual(expect.stringMatching(/^networks\[1\]\.hostAdapter\.address: .*broadcast/));
  });

  it.each([
    ['truncated JSON', '{"version": 1, "networks": [', /not valid JSON at line 1.*truncated/],
    ['not JSON at all', 'networks:\n  - vmnet1\n', /not valid JSON/],
    ['an empty file', '', /empty/],
    ['unknown keys', '{"version":1,"networks":[],"colour":"blue"}', /^colour: unknown key/m],
    ['wrong types', '{"version":1,"networks":{}}', /^networks: must be a list/m],
  ])('exits 2 without a stack trace for %s', (_what, text, pattern) => {
    const r = vnet(['validate', file('x.json', text)]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(pattern);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming a missing file', () => {
    const r = vnet(['validate', path.join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.json: no such file/);
  });

  it('exits 2 on usage mistakes', () => {
    expect(vnet(['validate']).code).toBe(2);
    expect(vnet(['validate', 'a', 'b']).code).toBe(2);
    expect(vnet(['validate', '--bogus', 'a']).stderr).toMatch(/--bogus/);
    expect(vnet(['frobnicate']).code).toBe(2);
  });
});

describe('vnet --help', () => {
  it('lists every command', () => {
    const r = vnet(['--help']);
    expect(r.code).toBe(0);
    // Internal commands (the trial watchdog) start with __ and stay out of the list.
    for (const command of commands.filter((c) => !c.name.startsWith('__'))) expect(r.stdout).toContain(command.name);
    expect(r.stdout).not.toContain('__');
  });

  it.each(commands.map((c) => c.name))('%s --help explains the command', (name) => {
    const r = vnet([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: vnet ${name}`));
  });
});

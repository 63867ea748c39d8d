// The boot-time unit, checked by systemd itself: `vnet install-service` (the real CLI
// bundle) writes the unit for this checkout into a temporary folder, never the real
// /etc/systemd/system, and `systemd-analyze verify` parses both it and the packaged one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBundle, ensureCliBuilt, repoRoot, run } from '../lib/netns';

const hasSystemdAnalyze = fs.existsSync('/usr/bin/systemd-analyze') || fs.existsSync('/bin/systemd-analyze');
let unitDir: string;

beforeAll(async () => {
  await ensureCliBuilt();
  unitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-unit-'));
});
afterAll(() => {
  if (unitDir) fs.rmSync(unitDir, { recursive: true, force: true });
});

/** systemd-analyze verify's complaints about FILE, one per line (empty when it is clean). */
async function verify(file: string): Promise<string[]> {
  const r = await run(['systemd-analyze', 'verify', file], { timeoutMs: 30_000 });
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

describe('vnet install-service --unit-dir', () => {
  it("writes a unit that runs this checkout's vnet apply with this Node", async () => {
    const r = await run([process.execPath, cliBundle, 'install-service', '--unit-dir', unitDir], {
      env: { ...process.env, VNET_CONFIG_DIR: '', VNET_STATE_DIR: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${unitDir}/vnet-editor.service`);
    expect(r.stdout).toContain('systemctl was not run');
    const unit = fs.readFileSync(path.join(unitDir, 'vnet-editor.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} ${path.join(repoRoot, 'bin/vnet.cjs')} apply\n`);
    expect(unit).not.toMatch(/^Environment=/m);
  });

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify', async () => {
    expect(await verify(path.join(unitDir, 'vnet-editor.service'))).toEqual([]);
  });

  it.skipIf(!hasSystemdAnalyze)('the packaged unit passes too (apart from /usr/bin/vnet, which only the package installs)', async () => {
    const complaints = await verify(path.join(repoRoot, 'assets/vnet-editor.service'));
    const others = fs.existsSync('/usr/bin/vnet') ? complaints : complaints.filter((l) => !l.includes('/usr/bin/vnet'));
    expect(others).toEqual([]);
  });
});

// Item 6 of the security review: importConfig.path. The web console reads no host path at
// all (a session imports only what its browser uploads); the importers read regular files
// only, opened without blocking, so a FIFO or a device can neither hang nor flood the process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../../../src-main/import/read';
import { createFrontDoor } from '../../../src-main/service/front-door';
import { inProcessBackend } from '../../../src-main/service/backend';
import { fakeHost, fakeImporter } from '../helper/fakes';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-pathcheck-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function door(frontDoor: 'desktop' | 'web') {
  return createFrontDoor({
    frontDoor,
    version: '0',
    dirs: { config: dir, state: dir },
    importer: fakeImporter,
    launch: { kind: 'none' } as never,
    backend: inProcessBackend(fakeHost().handlers),
    intervals: { status: 60_000, leases: 60_000, adapterRates: 60_000, trial: 60_000 },
  });
}

describe('importConfig.path (security item 6)', () => {
  it('import path: a device is refused as not a regular file (its size of 0 says nothing)', () => {
    expect(() => readText('/dev/null')).toThrow(/^\/dev\/null: is not a regular file/);
    expect(() => readText('/dev/zero')).toThrow(/is not a regular file/);
  });

  it('import path: a FIFO is refused at once instead of waiting for a writer', () => {
    const fifo = path.join(dir, 'networking');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(() => readText(fifo)).toThrow(/is not a regular file/);
  });

  it('import path: a regular file is still read', () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'answer VNET_1_DHCP yes\n');
    expect(readText(file)).toBe('answer VNET_1_DHCP yes\n');
  });

  it('import path: a web console session cannot name a host path; the desktop still can', async () => {
    const web = door('web');
    try {
      const refused = await web.dispatcher.call('importConfig', { from: 'vmware', path: '/etc/shadow' });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'denied', message: expect.stringMatching(/^importConfig\.path: the web console does not read files/) },
      });
      const uploaded = await web.dispatcher.call('importConfig', { from: 'vmware', content: 'answer VNET_1_DHCP yes\n' });
      expect(uploaded.ok).toBe(true);
    } finally {
      web.close();
    }
    const desktop = door('desktop');
    try {
      expect((await desktop.dispatcher.call('importConfig', { from: 'vmware', path: path.join(dir, 'plain') })).ok).toBe(true);
    } finally {
      desktop.close();
    }
  });
});

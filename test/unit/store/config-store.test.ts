import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, natNetwork } from '../../../src-shared/model';
import { ConfigStore } from '../../../src-main/store/config-store';

let dir: string;
let store: ConfigStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-store-'));
  store = new ConfigStore({ config: path.join(dir, 'etc'), state: path.join(dir, 'state') });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ConfigStore', () => {
  it('reports a missing file as missing', () => {
    expect(store.read()).toEqual({ kind: 'missing' });
  });

  it('round-trips a config and keeps the previous version as backup', () => {
    const first = defaultConfig();
    store.write(first);
    const second = { version: 1 as const, networks: [natNetwork('vmnet8', '10.9.0.0/24')] };
    store.write(second);
    expect(store.read()).toEqual({ kind: 'ok', config: second });
    expect(JSON.parse(fs.readFileSync(store.backup, 'utf8'))).toEqual(first);
  });

  it('a write interrupted before the rename leaves the old file intact and no temp file behind', () => {
    const first = defaultConfig();
    store.write(first);
    const before = fs.readFileSync(store.file, 'utf8');
    expect(() =>
      store.write(
        { version: 1, networks: [] },
        {
          beforeRename: () => {
            throw new Error('power cut');
          },
        },
      ),
    ).toThrow('power cut');
    expect(fs.readFileSync(store.file, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(store.file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a corrupt stored file with its path and never replaces it', () => {
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.writeFileSync(store.file, '{"version": 1, "networks": [');
    let error: unknown;
    try {
      store.read();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/networks\.json is unusable/);
    expect((error as ConfigError).message).toMatch(/truncated/);
    expect(fs.readFileSync(store.file, 'utf8')).toBe('{"version": 1, "networks": [');
  });
});

describe('removeStaleTempFiles', () => {
  it('removes the temp files of dead writers and keeps those of live ones', async () => {
    const { removeStaleTempFiles } = await import('../../../src-main/store/atomic-write');
    const file = path.join(dir, 'journal.json');
    fs.writeFileSync(file, '{}');
    const dead = path.join(dir, '.journal.json.999999999.abc.tmp');
    const live = path.join(dir, `.journal.json.${process.pid}.def.tmp`);
    const other = path.join(dir, '.other.json.999999999.abc.tmp');
    for (const p of [dead, live, other]) fs.writeFileSync(p, 'partial');
    removeStaleTempFiles(file);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}');
  });
});

// Every golden ruleset is accepted by the real nft (in a namespace), twice in a row:
// the delete-and-recreate transaction works whether or not the table exists.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox, type Netns } from '../lib/netns';

const goldenDir = path.resolve(__dirname, '../../golden/nft');
const files = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.nft'));
const sandbox = new Sandbox();
let ns: Netns;

beforeAll(async () => {
  ns = await sandbox.netns('golden');
});

afterAll(async () => {
  await sandbox.cleanup();
});

it.each(files)('%s loads with nft -f', async (file) => {
  const text = fs.readFileSync(path.join(goldenDir, file), 'utf8');
  for (let i = 0; i < 2; i++) {
    const r = await ns.exec(['nft', '-f', '-'], { input: text });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  const listed = await ns.must(['nft', 'list', 'table', 'inet', 'vnet_editor']);
  expect(listed).toMatch(/chain forward/);
  await ns.must(['nft', 'delete', 'table', 'inet', 'vnet_editor']);
});

// Golden files for every generated nftables ruleset and dnsmasq config: one fixture
// in test/golden/fixtures, expected text in test/golden/{nft,dnsmasq}. Run with
// UPDATE_GOLDEN=1 to regenerate them (it prints what changed; refused under CI, where a
// rewrite would make every comparison pass), then review the diff.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { everyStageRequired } from '../../../scripts/lib/test-counts.mjs';
import { hasSubnet, parseConfigText } from '../../../src-shared/model';
import { generateRuleset } from '../../../src-main/engine/nft';
import { dhcpFiles, generateDnsmasqConf, generateHostsFile, generateNamesFile } from '../../../src-main/engine/dnsmasq';

const goldenDir = path.resolve(__dirname, '../../golden');
const fixtures = fs.readdirSync(path.join(goldenDir, 'fixtures')).filter((f) => f.endsWith('.json'));
const dirs = { config: '/etc/vnet-editor', state: '/var/lib/vnet-editor' };
const update = process.env.UPDATE_GOLDEN === '1';
if (update && everyStageRequired(process.env)) {
  throw new Error(
    'UPDATE_GOLDEN=1 is refused under CI: it would rewrite the expected text and then pass; regenerate locally and review the diff',
  );
}

/** A unified diff of the old and new text, for the rewrite to show what changed. */
function describeChange(relative: string, before: string | undefined, after: string): string {
  if (before === undefined) return `created golden ${relative} (${after.split('\n').length} lines)`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vne-golden-'));
  try {
    fs.writeFileSync(path.join(dir, 'old'), before);
    fs.writeFileSync(path.join(dir, 'new'), after);
    const diff = spawnSync('diff', ['-u', '--label', `${relative} (old)`, '--label', `${relative} (new)`, 'old', 'new'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return `rewrote golden ${relative}:\n${diff.stdout}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function matchGolden(relative: string, actual: string): void {
  const file = path.join(goldenDir, relative);
  const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (update) {
    if (expected === actual) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    console.log(describeChange(relative, expected, actual));
    return;
  }
  if (expected === undefined) throw new Error(`golden file ${relative} is missing; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(expected);
}

describe.each(fixtures)('golden %s', (fixture) => {
  const name = path.basename(fixture, '.json');
  const parsed = parseConfigText(fs.readFileSync(path.join(goldenDir, 'fixtures', fixture), 'utf8'));
  if (!parsed.ok) throw new Error(`fixture ${fixture} is invalid: ${JSON.stringify(parsed.errors)}`);
  const networks = parsed.config.networks.filter(hasSubnet);

  it('nftables ruleset', () => {
    const text = generateRuleset(networks);
    matchGolden(`nft/${name}.nft`, text);
    // Every rule carries a comment, so `nft list` explains itself.
    for (const line of text.split('\n')) {
      if (/^\t\t(?!type |elements|comment|\t|\})/.test(line)) expect(line).toMatch(/ comment "/);
    }
  });

  it.each(networks.map((n) => n.name))('dnsmasq config and reservations of %s', (network) => {
    const n = networks.find((x) => x.name === network)!;
    matchGolden(`dnsmasq/${name}.${network}.conf`, generateDnsmasqConf(n, dhcpFiles(dirs, network)));
    matchGolden(`dnsmasq/${name}.${network}.hosts`, generateHostsFile(n));
    const names = generateNamesFile(n);
    // Only networks that answer names have a names file.
    if (names !== '' || fs.existsSync(path.join(goldenDir, `dnsmasq/${name}.${network}.names`)))
      matchGolden(`dnsmasq/${name}.${network}.names`, names);
  });
});

it('an empty network list still gives a valid table with no network rules', () => {
  matchGolden('nft/no-networks.nft', generateRuleset([]));
});

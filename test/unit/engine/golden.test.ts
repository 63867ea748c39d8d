// Golden files for every generated nftables ruleset and dnsmasq config: one fixture
// in test/golden/fixtures, expected text in test/golden/{nft,dnsmasq}. Run with
// UPDATE_GOLDEN=1 to regenerate them, then review the diff.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSubnet, parseConfigText } from '../../../src-shared/model';
import { generateRuleset } from '../../../src-main/engine/nft';
import { dhcpFiles, generateDnsmasqConf, generateHostsFile } from '../../../src-main/engine/dnsmasq';

const goldenDir = path.resolve(__dirname, '../../golden');
const fixtures = fs.readdirSync(path.join(goldenDir, 'fixtures')).filter((f) => f.endsWith('.json'));
const dirs = { config: '/etc/vnet-editor', state: '/var/lib/vnet-editor' };
const update = process.env.UPDATE_GOLDEN === '1';

function matchGolden(relative: string, actual: string): void {
  const file = path.join(goldenDir, relative);
  if (update) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  if (!fs.existsSync(file)) throw new Error(`golden file ${relative} is missing; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
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
  });
});

it('an empty network list still gives a valid table with no network rules', () => {
  matchGolden('nft/no-networks.nft', generateRuleset([]));
});

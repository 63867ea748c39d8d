// `npm run bench [-- --quick]`: measures the app against libvirt and against the physical
// limit, prints a table and writes bench/results.json. Runs as root; every network change
// happens in namespaces it creates and deletes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { interrupted, runAllOnSignal, withCleanup } from './cleanup';
import { errorText, settingsFor, type BenchCase, type BenchContext } from './context';
import { applyCase } from './cases/apply';
import { bringupCase } from './cases/bringup';
import { editorCase } from './cases/editor';
import { throughputCase } from './cases/throughput';
import { throughput6Case } from './cases/throughput6';
import { ENTRY_ORDER, machineInfo, readResults, writeResults, type BenchResult, type ResultsFile, type SkippedEntry } from './results';
import { formatMarkdown, formatTable } from './table';
import { performanceDoc } from './docs';

const CASES: BenchCase[] = [bringupCase, applyCase, throughputCase, throughput6Case, editorCase];

const TOOLS = [
  '/usr/sbin/ip',
  '/usr/sbin/nft',
  '/usr/sbin/dnsmasq',
  '/usr/bin/iperf3',
  '/usr/bin/socat',
  '/usr/bin/busybox',
  '/usr/bin/unshare',
];

const USAGE = `usage: npm run bench [-- --quick] [--only ${CASES.map((c) => c.id).join(',')}] [--out FILE] [--docs]
  --quick   fewer and shorter repetitions (the whole run stays under 3 minutes)
  --only    run only these cases (comma-separated)
  --out     results file (default bench/results.json)
  --docs    also write docs/performance.md from this run (use after a full run)
  --render  measure nothing: print the table of the results file and write docs/performance.md from it`;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      docs: { type: 'boolean', default: false },
      render: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const repoRoot = path.resolve(__dirname, '..');
  const out = path.resolve(values.out ?? path.join(repoRoot, 'bench', 'results.json'));
  if (values.render) {
    const file = readResults(out);
    console.log(formatTable(file.results, file.skipped));
    writeDocs(repoRoot, file);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    log('bench: needs root (it creates network namespaces, bridges, nftables rules and DHCP servers inside them); run it with sudo');
    return 2;
  }
  const missing = TOOLS.filter((tool) => !existsSync(tool));
  if (missing.length > 0) {
    log(`bench: missing ${missing.join(', ')}; \`node scripts/ensure.mjs test\` installs them`);
    return 2;
  }
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const unknown = only ? [...only].filter((id) => !CASES.some((c) => c.id === id)) : [];
  if (unknown.length > 0) {
    log(`bench: unknown case ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }

  runAllOnSignal(log);
  const settings = settingsFor(values.quick);
  const started = Date.now();
  const results: BenchResult[] = [];
  const skipped: SkippedEntry[] = [];
  log(`bench: ${settings.quick ? 'quick' : 'full'} run: ${JSON.stringify(settings)}`);
  for (const benchCase of CASES) {
    if (only && !only.has(benchCase.id)) continue;
    if (interrupted()) break;
    const caseStart = Date.now();
    try {
      const outcome = await withCleanup((cleanup) => {
        const ctx: BenchContext = { settings, repoRoot, log, cleanup };
        return benchCase.run(ctx);
      }, log);
      results.push(...outcome.results);
      skipped.push(...outcome.skipped);
    } catch (error) {
      log(`${benchCase.id}: failed: ${errorText(error)}`);
      for (const name of benchCase.entries) skipped.push({ name, reason: errorText(error).split('\n')[0]! });
    }
    log(`${benchCase.id}: ${((Date.now() - caseStart) / 1000).toFixed(1)} s`);
  }

  // Interrupted: the signal handler finishes the cleanup and exits; a partial run writes nothing.
  if (interrupted()) return new Promise<number>(() => undefined);
  const order = (name: string): number => ENTRY_ORDER.indexOf(name);
  results.sort((a, b) => order(a.name) - order(b.name));
  skipped.sort((a, b) => order(a.name) - order(b.name));
  const file: ResultsFile = {
    machine: machineInfo(),
    date: new Date().toISOString(),
    mode: settings.quick ? 'quick' : 'full',
    results,
    skipped,
  };
  writeResults(out, file);
  console.log(formatTable(results, skipped));
  log(
    `\nbench: ${results.length} entries measured, ${skipped.length} not, in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${out}`,
  );
  if (values.docs) writeDocs(repoRoot, file);
  return skipped.length === 0 ? 0 : 1;
}

/** docs/performance.md from a run's results, with bench/analysis.md (what limits the missed targets) appended. */
function writeDocs(repoRoot: string, file: ResultsFile): void {
  const doc = path.join(repoRoot, 'docs', 'performance.md');
  mkdirSync(path.dirname(doc), { recursive: true });
  const analysisFile = path.join(repoRoot, 'bench', 'analysis.md');
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8') : '';
  writeFileSync(doc, performanceDoc(file, formatMarkdown(file.results, file.skipped), analysis));
  log(`bench: wrote ${doc}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench: ${errorText(error)}`);
    process.exit(1);
  },
);

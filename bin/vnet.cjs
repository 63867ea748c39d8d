#!/usr/bin/env node
// `vnet` command. Runs the bundled CLI; in a source checkout that has not been built
// yet, bundles it first (takes a fraction of a second).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  const source = path.join(root, 'src-main', 'cli', 'main.ts');
  if (!fs.existsSync(source)) {
    process.stderr.write('vnet: the CLI is not built; run `npm run build`\n');
    process.exit(1);
  }
  require('esbuild').buildSync({
    entryPoints: [source],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'error',
    sourcemap: 'linked',
  });
}
require('./load-bundle.cjs').loadBundle(bundle);

// Loads a bundle of dist/ (the CLI) with V8's code cache, so a fresh `vnet` process does not
// compile its 1 MB of JavaScript again each time: about 15 ms of a 100 ms command here.
// Node ≥ 22.1 does this itself (module.enableCompileCache); on Node 20 the same is done by
// hand with vm.Script's cachedData. Any problem with the cache (missing, stale, unreadable,
// not writable) falls back to a plain require: the cache is only ever a shortcut.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { isAscii } = require('node:buffer');

/**
 * The cache is trusted like the bundle itself: it lives next to it, and is used only when no
 * one but its owner can write it and that owner is the bundle's or ours (bytecode from a
 * file someone else could write would run with our rights, which are root's for an apply).
 */
function trusted(stat, bundleStat) {
  const ours = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  return (stat.mode & 0o022) === 0 && (stat.uid === bundleStat.uid || stat.uid === ours);
}

/**
 * What the cache was made from. V8 checks only the source's length before using a cache, so a
 * rebuilt bundle of the same length would run stale bytecode: its size and mtime, with the Node
 * version, are written into the cache file and must match.
 */
function cacheKey(bundleStat) {
  return `vnet-code-cache ${process.version} ${bundleStat.size} ${bundleStat.mtimeMs}\n`;
}

function readCache(file, key, bundleStat) {
  try {
    const stat = fs.statSync(file);
    if (!trusted(stat, bundleStat)) return undefined;
    const data = fs.readFileSync(file);
    const end = data.indexOf(10);
    if (end < 0 || data.subarray(0, end + 1).toString('utf8') !== key) return undefined;
    return data.subarray(end + 1);
  } catch {
    return undefined;
  }
}

function writeCache(file, key, script) {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(temp, Buffer.concat([Buffer.from(key, 'utf8'), script.createCachedData()]), { mode: 0o644 });
    fs.renameSync(temp, file);
  } catch {
    // a folder we cannot write (an installed copy run by a user): no cache, nothing lost
    fs.rmSync(temp, { force: true });
  }
}

/**
 * The bundle's text. The build writes it in ASCII, which reads as Latin-1 straight into a
 * one-byte string: ~0.5 ms instead of ~4 ms of UTF-8 decoding into a two-byte string twice the size.
 */
function readSource(bundle) {
  const bytes = fs.readFileSync(bundle);
  return typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Runs `bundle` as the CommonJS module a plain require would make of it. */
function loadBundle(bundle) {
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(path.join(path.dirname(bundle), '.compile-cache'));
    return require(bundle);
  }
  const bundleStat = fs.statSync(bundle);
  const cacheFile = `${bundle}.code-cache`;
  const key = cacheKey(bundleStat);
  const cachedData = readCache(cacheFile, key, bundleStat);
  const script = new vm.Script(Module.wrap(readSource(bundle)), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // Written once the command has run, so the functions it compiled on the way are in the cache too.
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(cacheFile, key, script));
  const dir = path.dirname(bundle);
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(dir);
  require.cache[bundle] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dir);
  mod.loaded = true;
  return mod.exports;
}

module.exports = { loadBundle };

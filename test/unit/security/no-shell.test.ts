// No privileged code path uses a shell: every command is an argv array run with
// execFile/spawn without `shell`. The one shell command line in the app is the
// elevation prompt (sudo-prompt builds `pkexec`/`sudo` from constant, shell-safe paths;
// checked in test/unit/helper/helper.test.ts), which runs before any privilege exists.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx|mts|cts|js|cjs|mjs)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** What would hand a string to /bin/sh. */
const SHELL_PATTERNS: [string, RegExp][] = [
  ['child_process.exec( / execSync(', /\b(exec|execSync)\s*\(/],
  ['shell: true', /\bshell\s*:\s*(true|['"`])/],
  ['sh -c', /['"`](\/bin\/)?(ba|da)?sh['"`]\s*,\s*(\[\s*)?['"`]-c['"`]/],
  ['a string command to spawn', /\bspawn(Sync)?\s*\(\s*`/],
];

/** Reviewed exceptions: file → why. */
const ALLOWED: Record<string, string> = {
  'src-main/helper/elevate.ts': 'sudo-prompt runs the constant elevation command (fixed, shell-safe paths; see helper.test.ts)',
};

describe('no shell in the app', () => {
  const files = ['src-main', 'src-shared', 'bin'].filter((d) => fs.existsSync(path.join(root, d))).flatMap(sources);

  it('scans the code that runs as root or starts processes', () => {
    expect(files).toContain('src-main/engine/runner.ts');
    expect(files.length).toBeGreaterThan(50);
  });

  it('uses no child_process.exec, execSync, shell: true or sh -c', () => {
    const found: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        // RegExp#exec is not child_process.exec.
        const code = line.replace(/\/\/.*$/, '').replace(/\.exec\(/g, '.rxexec(');
        for (const [what, pattern] of SHELL_PATTERNS) {
          if (pattern.test(code) && !ALLOWED[file]) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('the patterns catch what they should', () => {
    const hits = (code: string) => SHELL_PATTERNS.some(([, p]) => p.test(code.replace(/\.exec\(/g, '.rxexec(')));
    expect(hits("exec('ip link del ' + name)")).toBe(true);
    expect(hits("execSync('nft -f x')")).toBe(true);
    expect(hits("spawn('ip', args, { shell: true })")).toBe(true);
    expect(hits("execFile('sh', ['-c', cmd])")).toBe(true);
    expect(hits('spawn(`ip ${args}`)')).toBe(true);
    expect(hits("execFile('ip', ['link', 'del', name])")).toBe(false);
    expect(hits('const m = /x/.exec(text)')).toBe(false);
  });

  it('the reviewed exception still builds its command from constants only', () => {
    const text = fs.readFileSync(path.join(root, 'src-main/helper/elevate.ts'), 'utf8');
    expect(text).toMatch(/sudo-prompt/);
  });
});

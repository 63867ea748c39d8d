// No privileged code path uses a shell: every command is an argv array run with
// execFile/spawn without `shell`. The one shell command line in the app is the
// elevation prompt (sudo-prompt builds `pkexec`/`sudo` from constant, shell-safe paths;
// checked in test/unit/helper/helper.test.ts), which runs before any privilege exists.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
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

  describe('the reviewed exception still builds its command from constants only', () => {
    const parse = (file: string) =>
      ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const nodes = (node: ts.Node): ts.Node[] => [node, ...node.getChildren().flatMap(nodes)];
    const elevateFile = 'src-main/helper/elevate.ts';
    const elevateSource = parse(elevateFile);
    const all = nodes(elevateSource);

    it('sudo-prompt is imported by that file alone', () => {
      const importers = files.filter((file) =>
        /from ['"]@vscode\/sudo-prompt['"]|require\(['"]@vscode\/sudo-prompt['"]\)/.test(fs.readFileSync(path.join(root, file), 'utf8')),
      );
      expect(importers).toEqual([elevateFile]);
    });

    it('the one command line sudo-prompt runs is helperCommand(launch)', () => {
      const sudoName = all
        .filter(ts.isImportDeclaration)
        .find((d) => (d.moduleSpecifier as ts.StringLiteral).text === '@vscode/sudo-prompt')!.importClause!.name!.text;
      // sudo-prompt is touched only as `sudo.exec`, held in one variable…
      const uses = all.filter((n) => ts.isIdentifier(n) && n.text === sudoName && !ts.isImportClause(n.parent));
      const values = uses.filter((n) => !ts.isQualifiedName(n.parent)); // `typeof sudo.exec` in a type is no use
      expect(values.map((n) => n.parent.getText())).toEqual([`${sudoName}.exec`]);
      const holder = all.filter(ts.isVariableDeclaration).find((d) => d.initializer?.getText().includes(`${sudoName}.exec`))!;
      expect(holder.initializer!.getText()).toBe(`deps.sudoExec ?? ${sudoName}.exec`);
      // …which is called once, with a variable whose only value is helperCommand(launch).
      const holderName = holder.name.getText();
      const calls = all.filter((n): n is ts.CallExpression => ts.isCallExpression(n) && n.expression.getText() === holderName);
      expect(calls).toHaveLength(1);
      const commandArg = calls[0]!.arguments[0]!;
      expect(ts.isIdentifier(commandArg)).toBe(true);
      const declarations = all.filter(ts.isVariableDeclaration).filter((d) => d.name.getText() === commandArg.getText());
      expect(declarations.map((d) => d.initializer?.getText())).toEqual(['helperCommand(launch)']);
      expect(all.filter((n) => ts.isBinaryExpression(n) && n.left.getText() === commandArg.getText())).toEqual([]);
    });

    it('helperCommand joins nothing but the launch paths, after checking them', () => {
      const fn = all.filter(ts.isFunctionDeclaration).find((f) => f.name?.text === 'helperCommand')!;
      const returned = nodes(fn).filter(ts.isReturnStatement);
      expect(returned).toHaveLength(1);
      const parts = nodes(returned[0]!.expression!)
        .filter(ts.isPropertyAccessExpression)
        .map((n) => n.getText());
      expect([...new Set(parts)].sort()).toEqual(['launch.execPath', 'launch.runAsNode', 'launch.script']);
      // No other name (an environment value, a user setting) flows into the line.
      const names = nodes(returned[0]!.expression!)
        .filter(ts.isIdentifier)
        .map((n) => n.text);
      expect([...new Set(names)].sort()).toEqual(['execPath', 'launch', 'runAsNode', 'script']);
      // The literal text around them is shell-safe.
      const literals = nodes(returned[0]!.expression!)
        .filter((n) => ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || ts.isStringLiteral(n))
        .map((n) => (n as ts.LiteralLikeNode).text);
      for (const text of literals) expect(text).toMatch(/^[A-Za-z0-9_= ]*$/);
      // Both paths are checked against the shell-safe pattern before being joined.
      expect(fn.getText()).toMatch(/for \(const file of \[launch\.execPath, launch\.script\]\)[\s\S]*SAFE_PATH\.test\(file\)[\s\S]*throw/);
    });

    it('every launch the app builds is its own binary and its bundled helper script', () => {
      const launches = files
        .filter((file) => file.endsWith('.ts') && fs.readFileSync(path.join(root, file), 'utf8').includes('launch:'))
        .flatMap((file) =>
          nodes(parse(file))
            .filter(ts.isPropertyAssignment)
            .filter((p) => p.name.getText() === 'launch' && ts.isObjectLiteralExpression(p.initializer))
            .map((p) => ({ file, launch: p.initializer as ts.ObjectLiteralExpression })),
        );
      expect(launches.map((l) => l.file).sort()).toEqual(['src-main/cli/commands/serve.ts', 'src-main/electron/main.ts']);
      for (const { file, launch } of launches) {
        const value = (key: string) =>
          launch.properties
            .filter(ts.isPropertyAssignment)
            .find((p) => p.name.getText() === key)
            ?.initializer.getText();
        expect(value('execPath'), file).toBe('process.execPath');
        // The script is a path.join ending in the bundled helper.cjs (either way when packaged
        // or not), directly or through one constant of the file.
        let script = launch.properties.filter(ts.isPropertyAssignment).find((p) => p.name.getText() === 'script')!.initializer;
        if (ts.isIdentifier(script)) {
          const name = script.text;
          script = nodes(parse(file))
            .filter(ts.isVariableDeclaration)
            .find((d) => d.name.getText() === name)!.initializer!;
        }
        const choices = ts.isConditionalExpression(script) ? [script.whenTrue, script.whenFalse] : [script];
        for (const choice of choices) expect(choice.getText(), file).toMatch(/^path\.join\([^;]*'helper\.cjs'\)$/);
      }
    });
  });
});

import fs from 'node:fs';
import { ConfigError, defaultConfig, formatError, parseConfigText, type Config } from '../../../src-shared/model';
import type { PlanOperation } from '../../../src-shared/api/types';
import { planConfig, takenRoutes, ExecRunner } from '../../engine';
import { ConfigStore } from '../../store/config-store';
import { tryAdvice } from '../../trial';
import { CliFailure, EXIT, type Command, type CommandContext } from '../framework';

/** Thrown when the config (or a live-host check) is invalid: the lines are printed, exit 2. */
export class InvalidConfig extends CliFailure {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'), EXIT.invalid);
  }
}

/** The config a command works on: --config FILE, else the stored one, else the defaults for this host. */
export async function commandConfig(file: string | undefined, ctx: CommandContext): Promise<{ config: Config; source: string }> {
  if (file !== undefined) {
    let text: string;
    try {
      text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliFailure(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, EXIT.invalid);
    }
    const result = parseConfigText(text);
    if (!result.ok) throw new InvalidConfig(result.errors.map((e) => (e.path.length === 0 ? `${file}: ${e.message}` : formatError(e))));
    return { config: result.config, source: file };
  }
  let stored;
  try {
    stored = new ConfigStore(ctx.dirs).read();
  } catch (error) {
    if (error instanceof ConfigError) throw new InvalidConfig(error.errors.map(formatError));
    throw error;
  }
  if (stored.kind === 'ok') return { config: stored.config, source: 'the stored config' };
  const taken = await takenRoutes({ dirs: ctx.dirs, runner: new ExecRunner() });
  return { config: defaultConfig(taken), source: 'the default networks' };
}

/** Prints invalid-config lines on stderr and returns exit 2; rethrows anything else. */
export function reportInvalid(error: unknown, ctx: CommandContext, what: string): number {
  const lines = error instanceof InvalidConfig ? error.lines : error instanceof ConfigError ? error.errors.map(formatError) : undefined;
  if (!lines) throw error;
  for (const line of lines) ctx.io.err(`${line}\n`);
  ctx.io.err(`vnet ${what}: the config is invalid; nothing was changed\n`);
  return EXIT.invalid;
}

export function formatOperations(operations: PlanOperation[]): string {
  return operations.map((o, i) => `${String(i + 1).padStart(3)}. ${o.description}${o.risky ? '  [risky]' : ''}\n`).join('');
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Show the operations apply would run',
  usage: '[--config FILE] [--json]',
  options: { config: { type: 'string' }, json: { type: 'boolean' } },
  help: `
Compares the config (FILE, else the stored config, else the default networks) with
the host and lists, in order, what \`vnet apply\` would do. Nothing is changed.

  --config FILE  plan for FILE instead of the stored config
  --json         print a JSON array of operations ([] when nothing is to be done)

Problems found in the config or against the live host (a subnet colliding with one
of the host's routes, a host port already in use) are printed as PATH: message.

Exit codes: 0 planned; 2 invalid config.`,
  async run({ values }, ctx) {
    try {
      const { config } = await commandConfig(values.config as string | undefined, ctx);
      const plan = await planConfig(config, { dirs: ctx.dirs });
      if (values.json) {
        ctx.io.out(`${JSON.stringify(plan.operations, null, 2)}\n`);
      } else if (plan.operations.length === 0) {
        ctx.io.out('Nothing to do: the host matches the config.\n');
      } else {
        ctx.io.out(formatOperations(plan.operations));
      }
      for (const warning of plan.warnings) ctx.io.err(`warning: ${warning}\n`);
      if (plan.risky) ctx.io.err(`${tryAdvice('plan')}\n`);
      return EXIT.ok;
    } catch (error) {
      return reportInvalid(error, ctx, 'plan');
    }
  },
};

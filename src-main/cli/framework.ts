// The `vnet` command framework: one registry of commands, each with its own usage
// text and options, one exit-code convention and one error style.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dirsFromEnv, type Dirs } from '../paths';

export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  dirs: Dirs;
  cwd: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command<O extends Options = Options> {
  name: string;
  /** One line for `vnet --help`. */
  summary: string;
  /** Argument synopsis after the command name, e.g. `FILE` or `[NAME] [--json]`. */
  usage: string;
  /** Longer help: what it does, options, exit codes. */
  help: string;
  options?: O;
  /** Allowed positional count [min, max]. */
  positionals?: [number, number];
  run(
    args: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] },
    ctx: CommandContext,
  ): Promise<number> | number;
}

/** A mistake in how the command was called: exit 2 with a pointer to --help. */
export class UsageError extends Error {}

/** A failure to report in plain words without a stack trace. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

export function commandHelp(command: Command): string {
  return `Usage: vnet ${command.name} ${command.usage}\n\n${command.summary}\n\n${command.help.trim()}\n`;
}

export function mainHelp(commands: readonly Command[]): string {
  // Commands named `__…` are internal (the trial watchdog) and not listed.
  const listed = commands.filter((c) => !c.name.startsWith('__'));
  const width = Math.max(...listed.map((c) => c.name.length));
  const lines = listed.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: vnet COMMAND [OPTIONS]',
    '',
    "Manage this host's virtual networks: bridged, host-only and NAT, with DHCP and port forwards.",
    '',
    'Commands:',
    ...lines,
    '',
    'Run `vnet COMMAND --help` for the options of one command.',
    'Folders: VNET_CONFIG_DIR (default /etc/vnet-editor) holds networks.json;',
    '         VNET_STATE_DIR (default /var/lib/vnet-editor) holds DHCP files and the journal.',
    '',
  ].join('\n');
}

export function processIo(): Io {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}

export async function runCli(commands: readonly Command[], argv: string[], ctx: Partial<CommandContext> = {}): Promise<number> {
  const env = ctx.env ?? process.env;
  const full: CommandContext = { io: ctx.io ?? processIo(), env, dirs: ctx.dirs ?? dirsFromEnv(env), cwd: ctx.cwd ?? process.cwd() };
  const { io } = full;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? commandHelp(target) : mainHelp(commands));
    return name === undefined ? EXIT.invalid : EXIT.ok;
  }
  if (name === '--version') {
    io.out('vnet 0.1.0\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`vnet: unknown command "${name}"; run \`vnet --help\` for the list\n`);
    return EXIT.invalid;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
    }
    const [min, max] = command.positionals ?? [0, 0];
    if (parsed.positionals.length < min) throw new UsageError(`missing argument: vnet ${command.name} ${command.usage}`);
    if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, full);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`vnet ${command.name}: ${error.message}\nRun \`vnet ${command.name} --help\` for usage.\n`);
      return EXIT.invalid;
    }
    if (error instanceof CliFailure) {
      io.err(`vnet ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`vnet ${command.name}: ${message}\n`);
    if (env.VNET_DEBUG && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return EXIT.failed;
  }
}

/** Parses a --flag value as a whole number in a range, or throws a UsageError naming the flag. */
export function intOption(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${String(value)}"`);
  }
  return n;
}

// Entry point of the `vnet` binary (bundled to dist/cli.cjs).
import { runCli } from './framework';
import { commands } from './commands';

runCli(commands, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vnet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

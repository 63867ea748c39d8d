import fs from 'node:fs';
import { formatError, parseConfigText } from '../../../src-shared/model';
import { CliFailure, EXIT, type Command } from '../framework';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a config file against the version-1 rules',
  usage: 'FILE',
  positionals: [1, 1],
  help: `
Reads FILE (use - for standard input) and checks every field rule. Each problem is
printed on its own line as PATH: message, e.g.
  networks[2].dhcp.rangeEnd: DHCP range end 192.168.133.300 is not an IPv4 address

Exit codes: 0 valid; 2 invalid or unreadable.`,
  run({ positionals }, { io }) {
    const file = positionals[0]!;
    let text: string;
    try {
      text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliFailure(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
        EXIT.invalid,
      );
    }
    const result = parseConfigText(text);
    if (!result.ok) {
      // A whole-file problem (not JSON at all) is named after the file itself.
      for (const error of result.errors) io.out(`${error.path.length === 0 ? `${file}: ${error.message}` : formatError(error)}\n`);
      return EXIT.invalid;
    }
    const n = result.config.networks.length;
    io.err(`${file}: valid (${n} network${n === 1 ? '' : 's'})\n`);
    return EXIT.ok;
  },
};

// `vnet export [--output FILE]`: the stored config as a version-1 file, for another host or a backup.
import { ConfigStore } from '../../store/config-store';
import { writeFileAtomic } from '../../store/atomic-write';
import { CliFailure, EXIT, type Command } from '../framework';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write the stored config as a version-1 file',
  usage: '[--output FILE]',
  options: { output: { type: 'string', short: 'o' } },
  help: `
Prints the stored config (VNET_CONFIG_DIR/networks.json) on standard output, or
writes it to FILE with --output. The file is what \`vnet apply --config FILE\` and
the editor's Import… read, on this host or another.

Exit codes: 0 written; 1 no config stored yet or FILE cannot be written.`,
  async run({ values }, { io, dirs }) {
    const store = new ConfigStore(dirs);
    const stored = store.read();
    if (stored.kind === 'missing') {
      throw new CliFailure(`no config is stored yet (${store.file}); apply one first, or use \`vnet plan\` to see the defaults`);
    }
    // The import/export module loads only for this command, not at every CLI start.
    const { exportConfig } = await import('../../import');
    const text = exportConfig(stored.config);
    const output = values.output;
    if (typeof output === 'string') {
      try {
        writeFileAtomic(output, text);
      } catch (error) {
        throw new CliFailure(`cannot write ${output}: ${(error as Error).message}`);
      }
      io.err(`wrote ${output}\n`);
    } else {
      io.out(text);
    }
    return EXIT.ok;
  },
};

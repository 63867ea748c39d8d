// `vnet import --from vmware|libvirt PATH`: another product's settings as a version-1 config on stdout.
import type { ImportSource } from '../../import';
import { CliFailure, EXIT, UsageError, type Command } from '../framework';

export const importCommand: Command = {
  name: 'import',
  summary: "Convert VMware Workstation's or libvirt's network settings into a config",
  usage: '--from vmware|libvirt PATH',
  positionals: [1, 1],
  options: { from: { type: 'string' } },
  help: `
Reads another product's virtual network settings and prints the equivalent
version-1 config on standard output. Nothing on the host changes; store it with
  vnet import --from vmware /etc/vmware > networks.json && vnet apply --config networks.json

  --from vmware   PATH is VMware Workstation's "networking" file, or its settings
                  folder (/etc/vmware): then each vmnetN/nat/nat.conf (gateway, port
                  forwards) and vmnetN/dhcpd/dhcpd.conf (range, lease time,
                  reservations) is read too.
  --from libvirt  PATH is a libvirt network XML file (virsh net-dumpxml NAME), or a
                  folder of them (/etc/libvirt/qemu/networks).

Every change the import had to make (a renamed network, a moved host adapter
address, a setting with no equivalent) is printed on standard error as "note: …".

Exit codes: 0 converted; 2 unreadable input (the message names FILE:LINE) or bad usage.`,
  async run({ values, positionals }, { io }) {
    // The importers load only for this command, not at every CLI start.
    const { IMPORT_SOURCES, ImportError, exportConfig, importFrom } = await import('../../import');
    const from = values.from;
    if (typeof from !== 'string') throw new UsageError('--from vmware or --from libvirt is required');
    if (!IMPORT_SOURCES.includes(from as ImportSource)) throw new UsageError(`--from must be vmware or libvirt, not "${from}"`);
    let result;
    try {
      result = importFrom(from as ImportSource, positionals[0]!);
    } catch (error) {
      if (error instanceof ImportError) throw new CliFailure(error.message, EXIT.invalid);
      throw error;
    }
    for (const note of result.notes) io.err(`note: ${note}\n`);
    io.out(exportConfig(result.config));
    const n = result.config.networks.length;
    io.err(`imported ${n} network${n === 1 ? '' : 's'} from ${positionals[0]}\n`);
    return EXIT.ok;
  },
};

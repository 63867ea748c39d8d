// `vnet adapter list|up|down`: the host adapters, and switching one on or off. Switching
// off an adapter that can cut the host off is refused unless run as a trial (--try) or
// forced (--force).
import type { Adapter } from '../../../src-shared/api/types';
import type { Dirs } from '../../paths';
import { ExecRunner } from '../../engine/runner';
import { MAX_TRIAL_SECONDS, MIN_TRIAL_SECONDS } from '../../trial';
import { CliFailure, EXIT, intOption, UsageError, type Command, type Io } from '../framework';

function table(adapters: Adapter[]): string {
  const rows = adapters.map((a) => [
    a.name,
    a.kind === 'vnet' ? 'virtual network' : a.kind,
    a.adminUp ? 'on' : 'off',
    a.operState,
    a.mac ?? '-',
    a.mtu === undefined ? '-' : String(a.mtu),
    a.speedMbps === undefined ? '-' : `${a.speedMbps}Mb/s`,
    a.addresses.join(',') || '-',
    [a.defaultRoute ? 'default-route' : '', a.master ? `master=${a.master}` : '', a.managed ? 'managed' : '', a.risky ? 'risky' : '']
      .filter(Boolean)
      .join(' ') || '-',
  ]);
  const header = ['NAME', 'KIND', 'ADMIN', 'LINK', 'MAC', 'MTU', 'SPEED', 'ADDRESSES', 'NOTES'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** The adapter inventory (with its system-information library) loads only for this command, not at every CLI start. */
const loadAdapters = () => import('../../adapters');

async function switchOne(name: string, up: boolean, values: Record<string, unknown>, io: Io, dirs: Dirs) {
  const { listAdapters, riskReason, switchAdapter, UnknownAdapterError } = await loadAdapters();
  const runner = new ExecRunner();
  const trySeconds = intOption(values.try, 'try', MIN_TRIAL_SECONDS, MAX_TRIAL_SECONDS);
  const adapters = await listAdapters(runner, dirs);
  const adapter = adapters.find((a) => a.name === name);
  if (!adapter) throw new CliFailure(new UnknownAdapterError(name).message, EXIT.failed);
  const risk = riskReason(adapter);
  if (!up && risk && trySeconds === undefined && !values.force) {
    throw new CliFailure(
      `refusing to switch off ${name}: ${risk}.\n` +
        `Run \`vnet adapter down ${name} --try 60\` to switch it off as a trial that switches it back on by itself ` +
        `unless \`vnet confirm\` runs within 60 seconds (recommended), or add --force to switch it off anyway.`,
      EXIT.failed,
    );
  }
  const word = up ? 'on' : 'off';
  const { switchAdapterAsTrial } = await import('../../trial/adapter-trial');
  const { warnings } =
    trySeconds === undefined ? await switchAdapter(runner, dirs, name, up) : await switchAdapterAsTrial(dirs, runner, name, up, trySeconds);
  for (const w of warnings) io.err(`vnet adapter: ${w}\n`);
  if (trySeconds === undefined) {
    io.out(`Host adapter ${name} switched ${word}.\n`);
    return EXIT.ok;
  }
  io.out(
    `Host adapter ${name} switched ${word} as a trial: run \`vnet confirm\` within ${trySeconds} seconds to keep it; ` +
      `otherwise it is switched back ${up ? 'off' : 'on'} by itself.\n`,
  );
  return EXIT.ok;
}

export const adapterCommand: Command = {
  name: 'adapter',
  summary: 'List host adapters, or switch one on or off',
  usage: 'list [--json] | up IFNAME | down IFNAME [--try SECONDS | --force]',
  positionals: [1, 2],
  options: { json: { type: 'boolean' }, try: { type: 'string' }, force: { type: 'boolean' } },
  help: `
list            every interface: kind (physical, wireless, bridge, virtual network,
                veth, tap, loopback, other), admin and link state, MAC, MTU, speed,
                addresses, default route, master bridge, managed by this app, risky.
                --json prints a JSON array.
up IFNAME       switches the adapter on (and puts back the routes it had when
                \`vnet adapter down\` switched it off).
down IFNAME     switches the adapter off. An adapter that carries the default route
                or is the uplink of a bridged network can cut this host off: it is
                switched off only with --try SECONDS (switched back on by itself unless
                \`vnet confirm\` runs first) or --force.

Exit codes: 0 done; 1 failed (unknown adapter, refused, or the switch failed).`,
  async run({ values, positionals }, { io, dirs }) {
    const [action, name] = positionals;
    if (action === 'list') {
      if (name !== undefined) throw new UsageError(`unexpected argument "${name}"`);
      const list = await (await loadAdapters()).listAdapters(new ExecRunner(), dirs);
      io.out(values.json ? `${JSON.stringify(list, null, 2)}\n` : table(list));
      return EXIT.ok;
    }
    if (action !== 'up' && action !== 'down') throw new UsageError(`unknown action "${action}": use list, up or down`);
    if (name === undefined) throw new UsageError(`missing argument: vnet adapter ${action} IFNAME`);
    if (values.try !== undefined && values.force) throw new UsageError('use either --try or --force, not both');
    return switchOne(name, action === 'up', values, io, dirs);
  },
};

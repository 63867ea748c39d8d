import { applyConfig, setBridgeHelper } from '../../engine';
import { MAX_TRIAL_SECONDS, MIN_TRIAL_SECONDS, tryAdvice } from '../../trial';
import { EXIT, intOption, type Command } from '../framework';
import { commandConfig, reportInvalid } from './plan';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Make the host match the config, and store it',
  usage: '[--config FILE] [--try SECONDS] [--allow-bridge-helper]',
  options: { config: { type: 'string' }, try: { type: 'string' }, 'allow-bridge-helper': { type: 'boolean' } },
  help: `
Makes the host match FILE (default: the stored config; with none stored, the default
networks) and stores it on success. All or nothing: if a step fails, what this apply
changed is rolled back and the failing step is named.

  --config FILE    apply FILE and store it
  --try SECONDS    a trial: reverts by itself after SECONDS unless \`vnet confirm\` runs first
  --allow-bridge-helper
                   also let QEMU's bridge helper (GNOME Boxes, qemu:///session, unprivileged
                   QEMU) attach guests to these networks: adds one line, \`include
                   /etc/qemu/vnet-editor.conf\`, to /etc/qemu/bridge.conf (once; later applies
                   keep that file listing exactly the networks' bridges)

Exit codes: 0 applied; 2 invalid config, nothing changed; 1 failed and rolled back.`,
  async run({ values }, ctx) {
    const trySeconds = intOption(values.try, 'try', MIN_TRIAL_SECONDS, MAX_TRIAL_SECONDS);
    try {
      const { config, source } = await commandConfig(values.config as string | undefined, ctx);
      const started = Date.now();
      const result = await applyConfig(config, {
        dirs: ctx.dirs,
        ...(trySeconds !== undefined ? { trySeconds } : {}),
        onProgress: (p) => {
          if (p.phase === 'done') ctx.io.err(`[${p.step}/${p.total}] ${p.description}\n`);
          if (p.phase === 'rolling-back') ctx.io.err('rolling back…\n');
        },
      });
      for (const warning of result.warnings ?? []) ctx.io.err(`warning: ${warning}\n`);
      if (!result.ok) {
        ctx.io.err(`vnet apply: ${result.error ?? 'failed'}\n`);
        return EXIT.failed;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (values['allow-bridge-helper']) {
        const helper = await setBridgeHelper({ dirs: ctx.dirs }, true);
        if (helper.changed) ctx.io.out(`QEMU's bridge helper may now use these networks (${helper.conf} includes the app's list).\n`);
      }
      if (result.applied.length === 0) ctx.io.out(`Nothing to do: the host already matches ${source}.\n`);
      else ctx.io.out(`Applied ${source}: ${result.applied.length} step${result.applied.length === 1 ? '' : 's'} in ${seconds}s.\n`);
      if (trySeconds === undefined && result.applied.some((o) => o.risky)) ctx.io.err(`${tryAdvice('apply')}\n`);
      if (result.trial) {
        ctx.io.out(`This is a trial: run \`vnet confirm\` within ${result.trial.seconds} seconds to keep it, or it is reverted.\n`);
      }
      return EXIT.ok;
    } catch (error) {
      return reportInvalid(error, ctx, 'apply');
    }
  },
};

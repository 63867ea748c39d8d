// The real HostDeps: the engine, host adapters, trials and the config store, as the
// root side of the app wires them. Only the helper and root front doors build this.
import * as engine from '../engine';
import { ExecRunner, type EngineOptions } from '../engine';
import { listAdapters, switchAdapter, AdapterRateMeter } from '../adapters';
import { confirmTrial, lastTrialOutcome, pendingTrial, revertNow } from '../trial';
import { switchAdapterAsTrial } from '../trial/adapter-trial';
import { engineForTrial } from '../trial/engine-link';
import { ConfigStore } from '../store/config-store';
import type { Dirs } from '../paths';
import type { HostDeps } from './privileged';

export function realHostDeps(dirs: Dirs): HostDeps {
  const runner = new ExecRunner();
  const opts: EngineOptions = { dirs, runner };
  const store = new ConfigStore(dirs);
  const meter = new AdapterRateMeter();
  // The same revert as the watchdog's: the host as it was before the trial.
  const trialEngine = engineForTrial(dirs, runner);
  return {
    readStored: () => store.read(),
    takenRoutes: () => engine.takenRoutes(opts),
    plan: (config) => engine.planConfig(config, opts),
    apply: (config, { trySeconds, onProgress }) => engine.applyConfig(config, { ...opts, onProgress, trySeconds }),
    pendingTrial: () => {
      const pending = pendingTrial(dirs);
      return pending ? { deadline: pending.deadline, seconds: pending.seconds } : undefined;
    },
    trialOutcome: () => {
      const last = lastTrialOutcome(dirs);
      return last && { outcome: last.outcome, deadline: last.deadline, at: last.at, ...(last.error ? { error: last.error } : {}) };
    },
    confirmTrial: () => confirmTrial(dirs),
    revertTrial: () => revertNow(dirs, trialEngine, runner),
    status: () => engine.getStatus(opts),
    leases: (network) => engine.getLeases(opts, network),
    doctor: (network) => engine.runDoctor(opts, network),
    listAdapters: () => listAdapters(runner, dirs),
    switchAdapter: (name, up, trySeconds) =>
      trySeconds === undefined ? switchAdapter(runner, dirs, name, up) : switchAdapterAsTrial(dirs, runner, name, up, trySeconds),
    adapterRates: (names) => meter.sample(names),
    services: () => engine.getServices(opts),
    restartService: (network, service) => engine.restartService(opts, network, service),
    setBridgeHelper: (allowed) => engine.setBridgeHelper(opts, allowed),
  };
}

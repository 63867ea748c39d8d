// Builds the editor's host from the contract's `VnetApi` (window.vnet).
import type { VnetApi } from '../../../src-shared/ipc/api';
import type { EventName, EventOf } from '../../../src-shared/ipc/contract';
import type { AppInfo, EditorHost } from './host';

export function hostFromVnet(api: VnetApi): EditorHost {
  // appInfo does not change while the window is open; ask once.
  let info: Promise<AppInfo> | undefined;
  return {
    getConfig: () => api.getConfig(),
    defaults: () => api.defaultConfig(),
    plan: (config) => api.plan({ config }),
    apply: (config, options) => api.apply(options?.trySeconds ? { config, trySeconds: options.trySeconds } : { config }),
    pendingTrial: async () => (await api.getTrial()).trial,
    trialStatus: () => api.getTrial(),
    confirm: async () => {
      await api.confirmTrial();
    },
    revert: async () => {
      await api.revertTrial();
    },
    status: () => api.status(),
    leases: () => api.leases({}),
    doctor: (network) => api.doctor(network ? { network } : {}),
    adapters: () => api.listAdapters(),
    setAdapter: async (name, up, trySeconds) => {
      const result = await api.setAdapter(trySeconds ? { name, up, trySeconds } : { name, up });
      if (!result.ok) throw new Error(result.error ?? `Could not switch ${name} ${up ? 'on' : 'off'}.`);
      // Older hosts send no warnings.
      const warnings = (result as { warnings?: string[] }).warnings ?? [];
      return result.trial ? { trial: result.trial, warnings } : { warnings };
    },
    rates: () => api.adapterRates(),
    services: () => api.listServices(),
    setBridgeHelper: (allowed) => api.setBridgeHelper({ allowed }),
    restartService: async (network, service) => {
      await api.restartService({ network, service });
    },
    importConfig: (from, content, fileName) => api.importConfig(fileName ? { from, content, fileName } : { from, content }),
    importFolder: (folder, files) => api.importConfig({ from: 'vmware', files, fileName: folder }),
    appInfo: () => (info ??= api.appInfo()),
    openImportFile: () => api.openImportFile(),
    saveExportFile: (config) => api.saveExportFile({ config }),
    exportText: (config) => api.exportConfig({ config }),
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void) {
      return api.on(event, listener);
    },
  };
}

// A fake host for the privileged handlers: records what it was asked to do.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../src-shared/model';
import type { Adapter } from '../../../src-shared/api/types';
import type { HostDeps } from '../../../src-main/service/privileged';
import { createPrivilegedHandlers } from '../../../src-main/service/privileged';
import { inProcessBackend } from '../../../src-main/service/backend';
import { createLocalHandlers, type Importer } from '../../../src-main/service/local';
import { createDispatcher } from '../../../src-main/service/dispatch';
import { createEventHub } from '../../../src-main/service/events';

export const exampleConfig = (): Config => JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/example.json'), 'utf8'));

const adapter = (name: string, extra: Partial<Adapter> = {}): Adapter => ({
  name,
  kind: 'physical',
  adminUp: true,
  operState: 'up',
  addresses: [],
  defaultRoute: false,
  managed: false,
  risky: false,
  ...extra,
});

export function fakeHost(stored: Config | null = exampleConfig()) {
  const calls: string[] = [];
  const host: HostDeps = {
    readStored: () => (stored ? { kind: 'ok', config: stored } : { kind: 'missing' }),
    takenRoutes: async () => [],
    plan: async (config) => {
      calls.push(`plan ${config.networks.length}`);
      return {
        operations: [{ op: 'create-bridge', network: 'vmnet8', target: 'vmnet8', description: 'Create bridge vmnet8' }],
        warnings: [],
        risky: false,
      };
    },
    apply: async (config, { onProgress, trySeconds }) => {
      calls.push(`apply ${config.networks.length} try=${String(trySeconds)}`);
      onProgress?.({ step: 1, total: 2, description: 'Create bridge vmnet8', phase: 'running' });
      onProgress?.({ step: 2, total: 2, description: 'Start DHCP on vmnet8', phase: 'done' });
      return { ok: true, applied: [] };
    },
    pendingTrial: () => undefined,
    confirmTrial: () => false,
    revertTrial: async () => false,
    status: async () => [],
    leases: async (network) => {
      calls.push(`leases ${String(network)}`);
      return [];
    },
    doctor: async () => [],
    listAdapters: async () => [
      adapter('lo', { kind: 'loopback' }),
      adapter('eth0', { defaultRoute: true, risky: true }),
      adapter('vmnet8', { kind: 'bridge', managed: true }),
    ],
    switchAdapter: async (name, up, trySeconds) => {
      calls.push(`switch ${name} ${up ? 'up' : 'down'} try=${String(trySeconds)}`);
      return { warnings: [], ...(trySeconds ? { trial: { deadline: Date.now() + trySeconds * 1000, seconds: trySeconds } } : {}) };
    },
    adapterRates: async (names) => names.map((name) => ({ name, rxBytesPerSecond: 1, txBytesPerSecond: 2 })),
    services: async () => [],
    restartService: async (network, service) => {
      calls.push(`restart ${network} ${service}`);
    },
    setBridgeHelper: async (allowed) => {
      calls.push(`bridge-helper ${allowed ? 'allow' : 'forget'}`);
      return { changed: true, conf: '/etc/qemu/bridge.conf' };
    },
  };
  return { host, calls, handlers: createPrivilegedHandlers(host) };
}

export const fakeImporter: Importer = {
  importVmware: () => ({ config: exampleConfig(), notes: ['from vmware'] }),
  importLibvirt: (file) => {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('<network')) throw new Error(`${file}: line 1: not a libvirt network`);
    return { config: exampleConfig(), notes: ['from libvirt'] };
  },
  exportConfig: (config) => `${JSON.stringify(config, null, 2)}\n`,
};

/** A complete front door over the fake host, as the console and Electron tests use it. */
export function fakeFrontDoor() {
  const fake = fakeHost();
  const backend = inProcessBackend(fake.handlers);
  const events = createEventHub(backend, { status: 50, leases: 50, adapterRates: 50, trial: 50 });
  const local = createLocalHandlers({
    importer: fakeImporter,
    appInfo: () => ({ version: '0.1.0', frontDoor: 'web', nativeDialogs: false, privilege: 'root' }),
  });
  const dispatcher = createDispatcher({ local, backend, events });
  return { ...fake, backend, events, dispatcher, close: () => events.close() };
}

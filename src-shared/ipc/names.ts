// The contract's channel and event names without their schemas, for the sandboxed
// preload (which needs only names, not zod). contract.ts checks it covers exactly these.
export const CHANNEL_NAMES = [
  'getConfig',
  'validateConfig',
  'defaultConfig',
  'plan',
  'apply',
  'getTrial',
  'confirmTrial',
  'revertTrial',
  'status',
  'leases',
  'doctor',
  'listAdapters',
  'setAdapter',
  'adapterRates',
  'listServices',
  'restartService',
  'setBridgeHelper',
  'importConfig',
  'exportConfig',
  'openImportFile',
  'saveExportFile',
  'appInfo',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/**
 * Channels that only read or compute and change nothing, on the host or in the app. The web
 * console's client asks them once more when the browser drops the request: Chromium aborts
 * requests in flight with ERR_NETWORK_CHANGED whenever the host's addresses change, and an
 * apply that adds a bridge's addresses does exactly that. A channel that changes something is
 * never asked twice: the first request may have reached the server.
 */
export const READ_ONLY_CHANNELS: ReadonlySet<ChannelName> = new Set<ChannelName>([
  'getConfig',
  'validateConfig',
  'defaultConfig',
  'plan',
  'getTrial',
  'status',
  'leases',
  'doctor',
  'listAdapters',
  'adapterRates',
  'listServices',
  'exportConfig',
  'appInfo',
]);

export const EVENT_NAME_LIST = ['status', 'leases', 'adapterRates', 'applyProgress', 'trial', 'menu'] as const;
export type EventNameOnly = (typeof EVENT_NAME_LIST)[number];

const STATE_EVENTS: ReadonlySet<string> = new Set(['status', 'leases', 'adapterRates', 'trial']);

/**
 * True for a push that tells the current state, which the clients keep and hand at once to
 * a listener that subscribes later. A trial push is state only while a trial is pending:
 * "the trial ended, reverted" is news about that trial. Replayed to the Keep/Revert dialog
 * of the next trial (opened before any push about the new one arrived, as after a quick
 * apply right after a Revert), it closed that dialog at once as if its trial were reverted.
 */
export function isReplayableState(name: string, payload: unknown): boolean {
  if (!STATE_EVENTS.has(name)) return false;
  return name !== 'trial' || (typeof payload === 'object' && payload !== null && (payload as { trial?: unknown }).trial != null);
}

/** Prefix of the Electron IPC channels: `vnet:plan`. */
export const IPC_PREFIX = 'vnet:';
/** The one Electron channel pushes travel on: `[eventName, payload]`. */
export const IPC_EVENT_CHANNEL = 'vnet:event';

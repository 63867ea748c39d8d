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

export const EVENT_NAME_LIST = ['status', 'leases', 'adapterRates', 'applyProgress', 'trial', 'menu'] as const;
export type EventNameOnly = (typeof EVENT_NAME_LIST)[number];

/** Prefix of the Electron IPC channels: `vnet:plan`. */
export const IPC_PREFIX = 'vnet:';
/** The one Electron channel pushes travel on: `[eventName, payload]`. */
export const IPC_EVENT_CHANNEL = 'vnet:event';

// Host adapters: the inventory, live rates and switching on/off, for the CLI and the GUI.
export { listAdapters, readOwnership } from './inventory';
export { classifyAdapters, adapterKind, riskReason } from './classify';
export { AdapterRateMeter } from './rates';
export { switchAdapter, takeSnapshot, restoreSnapshot, UnknownAdapterError, type AdapterSnapshot } from './switch';

// The Networks view's dialogs and menus, with MUI: one chunk, loaded after the first
// screen (see lazyDialogs.ts).
export { Themed } from '../mui/Themed';
export { ApplyDialog } from './ApplyDialog';
export { AddNetworkDialog, RenameNetworkDialog } from './NetworkNameDialog';
export { TrialDialog } from './TrialDialog';
export { ImportErrorsDialog } from './ImportErrorsDialog';
export { ConnectVmDialog } from './ConnectVmDialog';
export { ImportMenu } from './ImportMenu';
export { AutomaticSettingsDialog } from './AutomaticSettingsDialog';
export { DhcpSettingsDialog } from './DhcpSettingsDialog';
export { NatSettingsDialog } from './NatSettingsDialog';

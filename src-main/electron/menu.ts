// The application menu: File (Import…, Export…, Restore Defaults, Quit) and Help (About).
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  importSettings(): void;
  exportSettings(): void;
  restoreDefaults(): void;
  quit(): void;
  about(): void;
}

export function buildMenu(actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    {
      label: '&File',
      submenu: [
        { label: '&Import…', accelerator: 'CmdOrCtrl+O', click: () => actions.importSettings() },
        { label: '&Export…', accelerator: 'CmdOrCtrl+S', click: () => actions.exportSettings() },
        { type: 'separator' },
        { label: '&Restore Defaults', click: () => actions.restoreDefaults() },
        { type: 'separator' },
        { label: '&Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: '&Help', submenu: [{ label: '&About Virtual Network Editor', click: () => actions.about() }] },
  ];
}

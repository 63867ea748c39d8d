// The editor's first screen as HTML, for `vnet serve` to send inside the page: the window,
// its tabs and the networks table, rendered from the settings the page carries (the same
// answer the editor's first getConfig then takes from the page). The browser shows it before
// any of the editor's code has run; boot.tsx hydrates it. Built for Node on its own
// (vite.server.config.ts → dist/renderer-server/first-screen.cjs).
import { renderToString } from 'react-dom/server';
import type { LoadedConfig } from '../../src-shared/api/types';
import type { VnetApi } from '../../src-shared/ipc/api';
import { EditorRoot } from './root';

/** Rendering only draws: the editor asks the host in effects, which never run here. */
const NO_HOST = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('the first screen is drawn without a host');
    },
  },
) as VnetApi;

export function renderFirstScreen(loaded: LoadedConfig): string {
  return renderToString(<EditorRoot api={NO_HOST} first={{ answer: Promise.resolve(loaded), settled: { loaded } }} />);
}

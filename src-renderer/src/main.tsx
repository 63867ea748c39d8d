// Entry point: connect to the host (Electron's preload or the web console), read the
// settings, and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectHost } from './host/connect';
import { askFirstConfig } from './host/firstConfig';

const api = connectHost();
// The settings are usually here at once (the web console sends them with the page; the
// desktop app's preload answers quickly): rendering after them makes the first render the
// editor with its networks.
// A host slower than this gets the window with "Loading…" instead.
const PATIENCE_MS = 1000;

void askFirstConfig(() => api.getConfig(), PATIENCE_MS).then((first) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App api={api} first={first} />
    </StrictMode>,
  ),
);

// Entry point: connect to the host (Electron's preload or the web console) and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectHost } from './host/connect';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={connectHost()} />
  </StrictMode>,
);

// The page's first script, on its own (not part of the bundle): in a browser on the web
// console it asks for the settings at once, so the host reads them while the browser is
// still loading and running the editor's code; the editor's first getConfig takes this
// answer (src/api/index.ts, takeEarly). In the desktop app (window.vnet, from the preload)
// and from file:// it does nothing.
/* global window, location */
'use strict';
if (!('vnet' in window) && location.protocol.startsWith('http')) {
  window.vnetEarly = new Map([
    [
      '/api/getConfig',
      fetch('/api/getConfig', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      }),
    ],
  ]);
}

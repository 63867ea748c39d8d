// Assembles what a front door (Electron main, web console) needs: the privileged
// backend (in-process when already root, else the helper, elevated on first use), the
// local handlers, the dispatcher and the event hub.
import type { Dirs } from '../paths';
import { elevate, type HelperLaunch } from '../helper/elevate';
import { helperBackend } from '../helper/client';
import { socketPath } from '../helper/paths';
import { inProcessBackend, type PrivilegedBackend } from './backend';
import { createDispatcher, type Dispatcher } from './dispatch';
import { createEventHub, type EventHub, type PollIntervals } from './events';
import { createLocalHandlers, type Importer, type LocalOptions } from './local';
import { createPrivilegedHandlers } from './privileged';
import { realHostDeps } from './host';

export interface FrontDoorOptions {
  frontDoor: 'desktop' | 'web';
  version: string;
  dirs: Dirs;
  importer: Importer;
  /** How to start the helper when not root. */
  launch: HelperLaunch;
  isRoot?: boolean;
  /** Replaces the backend (tests). */
  backend?: PrivilegedBackend;
  dialogs?: Pick<LocalOptions, 'openImportFile' | 'saveExportFile'>;
  intervals?: PollIntervals;
}

export interface FrontDoor {
  dispatcher: Dispatcher;
  events: EventHub;
  backend: PrivilegedBackend;
  close(): void;
}

export function createFrontDoor(options: FrontDoorOptions): FrontDoor {
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const backend =
    options.backend ??
    (isRoot
      ? inProcessBackend(createPrivilegedHandlers(realHostDeps(options.dirs)))
      : helperBackend({ socketPath: socketPath(process.getuid?.() ?? 0), elevate: () => elevate(options.launch) }));
  const events = createEventHub(backend, options.intervals);
  const local = createLocalHandlers({
    importer: options.importer,
    ...options.dialogs,
    hostPaths: options.frontDoor === 'desktop',
    appInfo: () => ({
      version: options.version,
      frontDoor: options.frontDoor,
      nativeDialogs: options.frontDoor === 'desktop',
      privilege: backend.privilege(),
    }),
  });
  const dispatcher = createDispatcher({ local, backend, events });
  return {
    dispatcher,
    events,
    backend,
    close() {
      events.close();
      backend.close();
    },
  };
}

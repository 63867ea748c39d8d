// Finds the host API: the preload's `window.vnet` in the desktop app, else the
// web console's HTTP client (installed by src-renderer/src/api).
import type { VnetApi } from '../../../src-shared/ipc/api';
import { installVnet } from '../api';

export function connectHost(): VnetApi {
  return installVnet(window);
}

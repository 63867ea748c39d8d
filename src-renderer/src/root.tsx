// The editor's root, the same on both sides of the web console's first screen: `vnet serve`
// renders it to HTML (firstScreen.tsx) and the browser hydrates that HTML with it (boot.tsx).
// One component for both, because hydration matches the two trees element by element (and
// useId's ids by their place in the tree).
import { StrictMode, useEffect } from 'react';
import type { VnetApi } from '../../src-shared/ipc/api';
import { App } from './App';
import type { FirstConfig } from './host/firstConfig';

export interface EditorRootProps {
  api: VnetApi;
  first: FirstConfig | undefined;
  /** Called once the editor is on screen with its handlers (after the first commit). */
  onShown?: () => void;
}

export function EditorRoot({ api, first, onShown }: EditorRootProps) {
  useEffect(() => onShown?.(), [onShown]);
  return (
    <StrictMode>
      <App api={api} first={first} />
    </StrictMode>
  );
}

// The dialogs' chunk (MUI with them), and how a button opens one. The chunk is preloaded
// once the networks are on screen; a click that comes before it has arrived waits for it:
// the dialog's state is set only once its code is here, so the dialog then renders at
// once and never goes through a Suspense fallback (an earlier version rendered a lazy
// dialog while its chunk was loading, and lost some of those dialogs in e2e runs).
import { useCallback } from 'react';
import { lazyModule } from '../components/lazyPart';

export const dialogs = lazyModule(() => import('./dialogs'));

/**
 * `open(next)` calls `setOpen(next)` now when the dialogs' code is loaded, else as soon
 * as it is; a chunk that cannot load goes to `failed`.
 */
export function useOpenDialog<T>(setOpen: (next: T) => void, failed: (error: unknown) => void): (next: T) => void {
  return useCallback(
    (next: T) => {
      if (dialogs.current) setOpen(next);
      else dialogs.load().then(() => setOpen(next), failed);
    },
    [setOpen, failed],
  );
}

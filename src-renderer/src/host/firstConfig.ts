// The editor's first read of the settings, asked for before React renders anything.
// In the browser the answer came with the page (`vnet serve` puts it there; src/api takes
// it), so it is there by the time the bundle runs:
// the first render then shows the networks at once, instead of a "Loading…" render
// followed by a second full render of the window when the answer comes.
import type { LoadedConfig } from '../../../src-shared/api/types';

export type Settled = { loaded: LoadedConfig } | { error: unknown };

export interface FirstConfig {
  /** The host's answer (the editor's first getConfig: nothing asks again). */
  answer: Promise<LoadedConfig>;
  /** The answer, when it came before the first render. */
  settled: Settled | undefined;
}

/**
 * Asks for the settings once and waits for them at most `patienceMs`: a host slow to answer
 * gets the window on screen (with its "Loading…" line) rather than a blank page.
 */
export async function askFirstConfig(getConfig: () => Promise<LoadedConfig>, patienceMs: number): Promise<FirstConfig> {
  const answer = getConfig();
  let settled: Settled | undefined;
  const done = answer.then(
    (loaded) => void (settled = { loaded }),
    (error: unknown) => void (settled = { error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, patienceMs)))]);
  clearTimeout(timer);
  return { answer, settled };
}

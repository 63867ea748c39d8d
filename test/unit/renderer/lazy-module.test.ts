// A chunk of the editor that fails to load is asked for again: Chromium fails requests in
// flight with ERR_NETWORK_CHANGED when the host's addresses change (an apply does that).
import { describe, expect, it } from 'vitest';
import { lazyModule } from '../../../src-renderer/src/components/lazyPart';

/** A loader failing its first `failures` calls the way a dropped chunk does, then loading. */
function flakyChunk(failures: number) {
  let calls = 0;
  const load = async () => {
    calls++;
    if (calls <= failures) throw new TypeError('Failed to fetch dynamically imported module: http://127.0.0.1/assets/dialogs.js');
    return { value: calls };
  };
  return { load, calls: () => calls };
}

describe('lazyModule', () => {
  it('loads a chunk that failed twice, on its third try, and keeps it', async () => {
    const chunk = flakyChunk(2);
    const part = lazyModule(chunk.load, [1, 1]);
    await expect(part.load()).resolves.toEqual({ value: 3 });
    expect(part.current).toEqual({ value: 3 });
    await part.load();
    expect(chunk.calls()).toBe(3);
  });

  it('gives up after three tries with the browser’s error, and tries again at the next call', async () => {
    const chunk = flakyChunk(3);
    const part = lazyModule(chunk.load, [1, 1]);
    await expect(part.load()).rejects.toThrow(/Failed to fetch dynamically imported module/);
    expect(chunk.calls()).toBe(3);
    expect(part.current).toBeUndefined();
    await expect(part.load()).resolves.toEqual({ value: 4 });
  });
});

// @vitest-environment jsdom
// The settings asked for before the first render (main.tsx): with the answer in hand the
// first render already shows the networks, and the editor never asks a second time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { App } from '../../../src-renderer/src/App';
import { askFirstConfig } from '../../../src-renderer/src/host/firstConfig';
import type { LoadedConfig } from '../../../src-shared/api/types';
import { createFakeHost } from './fake-host';

afterEach(cleanup);
vi.setConfig({ testTimeout: 60_000 });

const getConfigCalls = (api: ReturnType<typeof createFakeHost>) => api.calls.filter((c) => c.channel === 'getConfig').length;

describe('askFirstConfig', () => {
  it('holds the answer when the host answers within its patience', async () => {
    const api = createFakeHost();
    const first = await askFirstConfig(() => api.getConfig(), 10_000);
    expect(first.settled).toEqual({ loaded: await first.answer });
  });

  it('holds a refusal as the error', async () => {
    const refusal = new Error('the host is gone');
    const first = await askFirstConfig(() => Promise.reject(refusal), 10_000);
    expect(first.settled).toEqual({ error: refusal });
  });

  it('gives up waiting after its patience and leaves the answer pending', async () => {
    vi.useFakeTimers();
    try {
      let answer!: (loaded: LoadedConfig) => void;
      const asked = askFirstConfig(() => new Promise<LoadedConfig>((resolve) => (answer = resolve)), 1000);
      await vi.advanceTimersByTimeAsync(1000);
      const first = await asked;
      expect(first.settled).toBeUndefined();
      const loaded = await createFakeHost().getConfig();
      answer(loaded);
      await expect(first.answer).resolves.toBe(loaded);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('editor opened with the first settings', () => {
  it('shows the networks in its first render and does not ask again', async () => {
    const api = createFakeHost();
    const first = await askFirstConfig(() => api.getConfig(), 10_000);
    render(<App api={api} first={first} />);
    // Synchronously after render: no "Loading…" step in between.
    const table = screen.getByRole('table', { name: 'Virtual networks' });
    expect(within(table).getByText('vmnet8')).toBeTruthy();
    expect(screen.queryByText('Loading the network settings…')).toBeNull();
    expect(getConfigCalls(api)).toBe(1);
  });

  it('takes a late answer when it comes, without asking again', async () => {
    const api = createFakeHost();
    let answer!: (loaded: LoadedConfig) => void;
    const late = new Promise<LoadedConfig>((resolve) => (answer = resolve));
    render(<App api={api} first={{ answer: late, settled: undefined }} />);
    expect(screen.getByText('Loading the network settings…')).toBeTruthy();
    answer(await api.getConfig());
    const table = await screen.findByRole('table', { name: 'Virtual networks' });
    expect(within(table).getByText('vmnet8')).toBeTruthy();
    expect(getConfigCalls(api)).toBe(1);
  });

  it('shows a first answer that was a refusal', async () => {
    const api = createFakeHost();
    const gone = new Error('the host is gone');
    const answer = Promise.reject(gone);
    answer.catch(() => undefined);
    render(<App api={api} first={{ answer, settled: { error: gone } }} />);
    expect(screen.getByText('Cannot read the network settings')).toBeTruthy();
    expect(screen.getByText(/the host is gone/)).toBeTruthy();
    expect(getConfigCalls(api)).toBe(0);
  });
});

// @vitest-environment jsdom
// The trial countdown: at 0 it waits for the host's watchdog ("Reverting…") instead of
// claiming the settings are back; it ends on the host's outcome, pushed or polled.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { TrialDialog } from '../../../src-renderer/src/editor/TrialDialog';
import { renderWithHost } from './render';
import { createFakeHost, type FakeHost } from './fake-host';
import type { TrialState } from '../../../src-shared/api/types';

// The dialog's clock is the test's (fake timers and Date): its countdown and polls run
// exactly as far as the test advances time, however busy the machine.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** A fake host with a pending trial whose countdown ends after MS. */
async function hostWithTrial(ms: number): Promise<{ api: FakeHost; trial: TrialState }> {
  const api = createFakeHost();
  const { config } = await api.getConfig();
  await api.apply({ config, trySeconds: 5 });
  const trial = (await api.getTrial()).trial!;
  trial.deadline = Date.now() + ms;
  return { api, trial };
}

function dialog() {
  return screen.getByRole('dialog', { name: 'Keep these network changes?' });
}

describe('trial dialog', () => {
  it('at 0 it says Reverting… and waits for the host to finish before reporting the settings back', async () => {
    const { api, trial } = await hostWithTrial(300);
    const onDone = vi.fn();
    renderWithHost(<TrialDialog trial={trial} onDone={onDone} />, api);
    expect(within(dialog()).getByText(/undone by themselves in/)).toBeTruthy();
    await advance(600);
    // The countdown ran out but the host has not reverted yet: nothing is reported.
    expect(within(dialog()).getByText(/Reverting…/)).toBeTruthy();
    expect(within(dialog()).getByRole('progressbar', { name: 'Putting the previous settings back' })).toBeTruthy();
    expect((within(dialog()).getByRole('button', { name: 'Keep changes' }) as HTMLButtonElement).disabled).toBe(true);
    expect(onDone).not.toHaveBeenCalled();
    act(() => api.startWatchdogRevert());
    await advance(50);
    expect(onDone).not.toHaveBeenCalled();
    act(() => api.finishWatchdogRevert());
    await advance(50);
    expect(onDone).toHaveBeenCalledWith(false);
  });

  it('finds the revert finished by asking the host when the pushed event is lost', async () => {
    const { api, trial } = await hostWithTrial(200);
    const onDone = vi.fn();
    renderWithHost(<TrialDialog trial={trial} onDone={onDone} />, api);
    await advance(400);
    api.startWatchdogRevert({ silent: true });
    api.finishWatchdogRevert({ silent: true });
    await advance(1300);
    expect(onDone).toHaveBeenCalledWith(false);
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(api.calls.filter((c) => c.channel === 'getTrial').length).toBeGreaterThan(1);
  });

  it('a Revert started elsewhere shows Reverting…, never "kept"', async () => {
    const { api, trial } = await hostWithTrial(30_000);
    const onDone = vi.fn();
    renderWithHost(<TrialDialog trial={trial} onDone={onDone} />, api);
    act(() => api.startWatchdogRevert());
    await advance(50);
    expect(within(dialog()).getByText(/Reverting…/)).toBeTruthy();
    expect(onDone).not.toHaveBeenCalled();
    act(() => api.finishWatchdogRevert());
    await advance(50);
    expect(onDone).toHaveBeenCalledWith(false);
  });

  it('a revert that fails says so and lets the user close', async () => {
    const { api, trial } = await hostWithTrial(100);
    const onDone = vi.fn();
    renderWithHost(<TrialDialog trial={trial} onDone={onDone} />, api);
    await advance(300);
    act(() => api.startWatchdogRevert());
    act(() => api.finishWatchdogRevert({ error: 'dnsmasq would not start' }));
    await advance(50);
    expect(within(dialog()).getByRole('alert').textContent).toMatch(/dnsmasq would not start/);
    expect(onDone).not.toHaveBeenCalled();
    // A plain click: user-event's pointer timing waits on timers that are fake here.
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Close' }));
    expect(onDone).toHaveBeenCalledWith(undefined);
  });
});

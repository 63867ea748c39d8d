// The one place that touches ipcMain (lint forbids it elsewhere). Every request
// channel of the contract gets one handler that first checks the sender is the
// app's own window showing the app's own page, then lets the dispatcher validate the
// payload with the contract's schema before anything runs.
import { CHANNELS, type Envelope } from '../../src-shared/ipc/contract';
import { IPC_PREFIX } from '../../src-shared/ipc/api';
import type { Dispatcher } from '../service/dispatch';

export interface FrameLike {
  url: string;
  /** Top-level frame of its page (`frame.parent === null`). */
  parent: unknown;
}

export interface InvokeEventLike {
  sender: unknown;
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  dispatcher: Dispatcher;
  /** True when the sender is a window this app opened; checked along with the frame's URL. */
  isAppWindow(sender: unknown): boolean;
  isAppUrl(url: string): boolean;
}

/** Why a sender is refused, or undefined when it is the app's own top frame. */
export function senderProblem(event: InvokeEventLike, options: Pick<IpcOptions, 'isAppWindow' | 'isAppUrl'>): string | undefined {
  if (!options.isAppWindow(event.sender)) return 'not sent by the app window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null && frame.parent !== undefined) return 'sent by a sub-frame';
  if (!options.isAppUrl(frame.url)) return 'sent by a page that is not the app';
  return undefined;
}

/** Registers one handler per contract channel; returns a function that removes them. */
export function registerIpc(electron: { ipcMain: IpcMainLike }, options: IpcOptions): () => void {
  const ipc = electron.ipcMain;
  for (const channel of CHANNELS) {
    ipc.handle(`${IPC_PREFIX}${channel}`, async (event, payload): Promise<Envelope<unknown>> => {
      const problem = senderProblem(event, options);
      if (problem) return { ok: false, error: { code: 'denied', message: `refused: ${problem}` } };
      return options.dispatcher.call(channel, payload);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipc.removeHandler(`${IPC_PREFIX}${channel}`);
  };
}

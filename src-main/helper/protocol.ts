// The private line protocol between the unprivileged app and the root helper: one
// JSON object per line over a unix socket in a folder only the user (and root) can
// enter. Requests name a channel of the IPC contract; the helper answers each by id
// and streams apply progress tagged with the same id.
import * as z from 'zod';
import type { ApiError } from '../../src-shared/ipc/contract';

/** Longest line either side accepts; a config is far smaller. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export const RequestFrameSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().min(1).max(64),
  request: z.unknown(),
});
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

export type ResponseFrame =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ApiError }
  | { id: number; event: 'applyProgress'; payload: unknown };

/**
 * Splits a byte stream into lines, refusing any line longer than MAX_LINE_BYTES
 * (a peer that never sends a newline must not exhaust memory).
 */
export class LineReader {
  private buffer = '';
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
    private readonly max = MAX_LINE_BYTES,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > this.max) return this.overflow();
      if (line.trim() !== '') this.onLine(line);
    }
    if (this.buffer.length > this.max) this.overflow();
  }

  private overflow(): void {
    this.buffer = '';
    this.onOverflow();
  }
}

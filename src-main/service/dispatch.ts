// The one entry point every front door calls with an untrusted (channel, payload):
// it refuses unknown channels, validates the payload with the contract's schema, then
// runs the operation locally or in the privileged backend, and always answers with an
// envelope (never a stack trace).
import {
  isChannel,
  isPrivilegedChannel,
  parseRequest,
  type Channel,
  type Envelope,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../src-shared/ipc/contract';
import type { PrivilegedBackend } from './backend';
import { toApiError } from './errors';
import type { EventHub } from './events';
import type { LocalChannel, LocalHandlers } from './local';

/** After these, live status is polled at once so the editor sees the change. */
const CHANGES_HOST: ReadonlySet<Channel> = new Set(['apply', 'confirmTrial', 'revertTrial', 'setAdapter', 'restartService', 'setBridgeHelper']);

export interface Dispatcher {
  call(channel: unknown, payload: unknown): Promise<Envelope<unknown>>;
}

export function createDispatcher(options: { local: LocalHandlers; backend: PrivilegedBackend; events?: EventHub }): Dispatcher {
  const { local, backend, events } = options;
  return {
    async call(channel, payload) {
      if (!isChannel(channel)) {
        return { ok: false, error: { code: 'denied', message: `unknown operation "${String(channel).slice(0, 60)}"` } };
      }
      const parsed = parseRequest(channel, payload);
      if (!parsed.ok) return { ok: false, error: { code: 'invalid', message: parsed.message, errors: parsed.errors } };
      try {
        const result = await run(channel, parsed.value);
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error: toApiError(error) };
      }
    },
  };

  async function run<C extends Channel>(channel: C, request: ParsedRequestOf<C>): Promise<ResponseOf<C>> {
    if (isPrivilegedChannel(channel)) {
      const result = await backend.call(channel, request as never, {
        onProgress: (progress) => events?.emit('applyProgress', progress),
      });
      if (channel === 'confirmTrial' && (result as ResponseOf<'confirmTrial'>).confirmed) events?.trialEnded('confirmed');
      if (channel === 'revertTrial' && (result as ResponseOf<'revertTrial'>).reverted) events?.trialEnded('reverted');
      if (CHANGES_HOST.has(channel)) events?.refresh();
      return result as ResponseOf<C>;
    }
    const handler = local[channel as LocalChannel] as (r: unknown) => Promise<unknown>;
    return (await handler(request)) as ResponseOf<C>;
  }
}

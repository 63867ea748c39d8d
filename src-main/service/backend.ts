// Where privileged operations run: in this process when it is root, or in the
// privileged helper (src-main/helper) otherwise. Front doors only see this interface.
import type { ParsedRequestOf, PrivilegedChannel, ResponseOf } from '../../src-shared/ipc/contract';
import type { HandlerContext, PrivilegedHandlers } from './privileged';

export type Privilege = 'root' | 'helper' | 'not-elevated';

export interface PrivilegedBackend {
  call<C extends PrivilegedChannel>(channel: C, request: ParsedRequestOf<C>, context?: HandlerContext): Promise<ResponseOf<C>>;
  privilege(): Privilege;
  close(): void;
}

/** Runs the privileged handlers directly: the process is already root. */
export function inProcessBackend(handlers: PrivilegedHandlers): PrivilegedBackend {
  return {
    call(channel, request, context = {}) {
      const handler = handlers[channel] as (r: typeof request, c: HandlerContext) => Promise<ResponseOf<typeof channel>>;
      return handler(request, context);
    },
    privilege: () => 'root',
    close() {},
  };
}

// Failures every front door reports the same way: an ApiError with a code the
// editor can act on (`invalid` shows field errors, `denied` explains a refusal).
import { ConfigError } from '../../src-shared/model';
import type { ApiError } from '../../src-shared/ipc/contract';

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
    readonly errors?: ApiError['errors'],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Refusal of something the app does not own or does not do. */
export const denied = (message: string) => new ApiFailure('denied', message);

/** Turns anything thrown by a handler into the envelope's error, without stacks. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiFailure) return { code: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) };
  if (error instanceof ConfigError) {
    return { code: 'invalid', message: error.message, errors: error.errors.map((e) => ({ path: [...e.path], message: e.message })) };
  }
  if (error && typeof error === 'object' && 'code' in error && 'message' in error && isApiCode((error as ApiError).code)) {
    const e = error as ApiError;
    return { code: e.code, message: String(e.message), ...(e.errors ? { errors: e.errors } : {}) };
  }
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}

function isApiCode(code: unknown): code is ApiError['code'] {
  return code === 'invalid' || code === 'denied' || code === 'failed' || code === 'unavailable';
}

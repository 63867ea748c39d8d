// Where the model's findings show: next to the field their path names, or in a summary.
// Plain functions without the model's schema (zod), so the first screen can use them
// before the validation code has loaded (see lazyValidation.ts).
import { formatPath, type Path, type ValidationError } from '../../../src-shared/model/errors';

export type { ValidationError };

export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}

/** The messages for exactly this field, joined; undefined when it is fine. */
export function fieldError(errors: readonly ValidationError[], path: Path): string | undefined {
  const key = formatPath(path);
  const messages = errors.filter((e) => formatPath(e.path) === key).map((e) => e.message);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** Findings inside `prefix` (a network, a dialog's section). */
export function errorsUnder(errors: readonly ValidationError[], prefix: Path): ValidationError[] {
  return errors.filter((e) => startsWith(e.path, prefix));
}

/** Findings inside `prefix` that none of the `shown` fields displays, for a summary under a form. */
export function otherErrors(errors: readonly ValidationError[], prefix: Path, shown: readonly Path[]): ValidationError[] {
  const shownKeys = new Set(shown.map(formatPath));
  return errorsUnder(errors, prefix).filter((e) => !shownKeys.has(formatPath(e.path)));
}

/**
 * A number field's value as the config would hold it: a whole number when the
 * text is one, else the text itself, so the model reports it in its own words.
 */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
}

// The editor shows the shared model's own findings next to the field they name,
// so the editor, the CLI and the web console say exactly the same thing.
import { formatPath, validateConfig, type Config, type Path, type ValidationError } from '../../../src-shared/model';

export type { ValidationError };

/** Every finding for a draft that may hold half-typed values (validated as untrusted input). */
export function validateDraft(draft: unknown): ValidationError[] {
  const result = validateConfig(draft);
  return result.ok ? [] : result.errors;
}

function startsWith(path: Path, prefix: Path): boolean {
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

/** Validates `config` with one part replaced by a form's values (as untrusted input). */
export function validateWith(config: Config, path: Path, value: unknown): ValidationError[] {
  const copy = structuredClone(config) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && value === undefined) node.splice(last as number, 1);
  else node[last] = value;
  return validateDraft(copy);
}

/**
 * Validates a form object placed at `path`. A number field still holding text is
 * reported in the model's words, then replaced by `standIns[key]` for a second
 * pass, because the model checks its field rules only once the structure is right:
 * without this, a half-typed port would hide every other field's message.
 */
export function validateForm(
  config: Config,
  path: Path,
  form: Record<string, unknown>,
  standIns: Record<string, number>,
): ValidationError[] {
  const textKeys = Object.keys(standIns).filter((key) => typeof form[key] !== 'number');
  const first = validateWith(config, path, form);
  if (textKeys.length === 0) return first;
  const structural = first.filter((e) => textKeys.some((key) => samePathPrefix(e.path, [...path, key])));
  const filled = { ...form };
  for (const key of textKeys) filled[key] = standIns[key];
  const rules = validateWith(config, path, filled).filter((e) => !textKeys.some((key) => samePathPrefix(e.path, [...path, key])));
  return [...structural, ...rules];
}

function samePathPrefix(path: Path, prefix: Path): boolean {
  return startsWith(path, prefix);
}

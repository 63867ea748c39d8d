// The editor shows the shared model's own findings next to the field they name,
// so the editor, the CLI and the web console say exactly the same thing.
// This module brings in the model's zod schema; the first screen uses findings.ts (the
// messages' placement) and gets validateDraft through lazyValidation.ts.
import { validateConfig, type Config, type Path, type ValidationError } from '../../../src-shared/model';
import { startsWith } from './findings';

export type { ValidationError };
export { errorsUnder, fieldError, numberOrText, otherErrors } from './findings';

/** Every finding for a draft that may hold half-typed values (validated as untrusted input). */
export function validateDraft(draft: unknown): ValidationError[] {
  const result = validateConfig(draft);
  return result.ok ? [] : result.errors;
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

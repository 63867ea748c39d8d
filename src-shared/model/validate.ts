// Turns untrusted input (a file's text, an IPC payload, a form draft) into a
// Config or a list of plain-words errors that each name a JSON path.
import type * as z from 'zod';
import { ConfigSchema, KEYS_BY_TYPE, NETWORK_TYPES, type Config, type NetworkType } from './schema';
import { checkRules, clip } from './rules';
import { checkIpv6Rules } from './rules-ipv6';
import type { Path, ValidationError } from './errors';

export type Validation = { ok: true; config: Config } | { ok: false; errors: ValidationError[] };

const TYPE_LABEL: Record<NetworkType, string> = { bridged: 'bridged', hostonly: 'host-only', nat: 'NAT' };

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the fraction ${value}`;
  if (typeof value === 'string') return `the text "${clip(value)}"`;
  if (typeof value === 'boolean') return `${value}`;
  return 'an object';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function plainIssue(issue: z.core.$ZodIssue, input: unknown): ValidationError[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const actual = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_type': {
      if (actual === undefined) return [{ path, message: `is missing; ${EXPECTED[issue.expected] ?? issue.expected} is required here` }];
      return [{ path, message: `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(actual)}` }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      if (actual === undefined) return [{ path, message: `is missing; it must be ${allowed}` }];
      return [{ path, message: `${describe(actual)} is not allowed; it must be ${issue.values.length > 1 ? 'one of ' : ''}${allowed}` }];
    }
    case 'invalid_union': {
      // Only the discriminated union of network types produces this.
      const allowed = NETWORK_TYPES.map((t) => `"${t}"`).join(', ');
      if (actual === undefined) return [{ path, message: `is missing; a network's type must be one of ${allowed}` }];
      return [{ path, message: `${describe(actual)} is not a network type; use one of ${allowed}` }];
    }
    case 'unrecognized_keys': {
      const owner = valueAt(input, path) as Record<string, unknown> | undefined;
      const type = owner?.type as NetworkType | undefined;
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const isNetwork = path.length === 2 && path[0] === 'networks' && type && KEYS_BY_TYPE[type];
        if (isNetwork) {
          const ownerTypes = NETWORK_TYPES.filter((t) => KEYS_BY_TYPE[t].includes(key));
          if (ownerTypes.length > 0) {
            return {
              path: keyPath,
              message: `a ${TYPE_LABEL[type]} network has no "${key}" settings; only ${ownerTypes.map((t) => TYPE_LABEL[t]).join(' and ')} networks do`,
            };
          }
        }
        return { path: keyPath, message: `unknown key "${clip(key)}"; remove it or check its spelling` };
      });
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** Validates an already-parsed value against the version-1 config contract. */
export function validateConfig(input: unknown): Validation {
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && 'version' in input) {
    const version = (input as { version: unknown }).version;
    if (version !== 1) {
      return {
        ok: false,
        errors: [{ path: ['version'], message: `${describe(version)} is not a supported config version; this app reads version 1` }],
      };
    }
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.flatMap((issue) => plainIssue(issue, input)) };
  }
  const errors = [...checkRules(parsed.data), ...checkIpv6Rules(parsed.data)];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: parsed.data };
}

/** Where a JSON syntax error is, as 1-based line and column, from V8's or other engines' messages. */
function locate(text: string, message: string): { line: number; column: number } | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Parses a config file's text; a JSON syntax error is reported with its line and column. */
export function parseConfigText(text: string): Validation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = locate(text, message);
    const reason =
      text.trim() === ''
        ? 'the file is empty'
        : /end of JSON input/.test(message)
          ? 'the JSON ends too early (truncated file?)'
          : message.replace(/^JSON\.parse: /, '');
    return {
      ok: false,
      errors: [{ path: [], message: `not valid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${reason}` }],
    };
  }
  return validateConfig(value);
}

// Size limits for anything that crosses a process boundary. A compromised renderer
// or a hostile web page must not make main, the web console or the root helper
// walk a gigantic or deeply nested value, so every untrusted JSON value is
// measured before it is interpreted.
import * as z from 'zod';
import { validateConfig, formatError, type Config } from '../model';

export const LIMITS = {
  /** Longest text in any payload (file contents have their own limit). */
  text: 4096,
  /** Longest list in any payload. */
  list: 4096,
  /** Deepest nesting of objects and lists. */
  depth: 12,
  /** Most values (objects, lists, scalars) in one payload. */
  nodes: 100_000,
  /** Most networks in one config. */
  networks: 256,
  /** Largest file content sent for import (VMware `networking`, libvirt XML). */
  fileBytes: 1024 * 1024,
  /** Longest file system path. */
  path: 4096,
} as const;

/** Finds the first way `value` exceeds the limits, as a message naming its path; undefined when it fits. */
export function boundsProblem(
  value: unknown,
  limits: { text: number; list: number; depth: number; nodes: number } = LIMITS,
): string | undefined {
  let nodes = 0;
  const walk = (v: unknown, path: string, depth: number): string | undefined => {
    nodes += 1;
    if (nodes > limits.nodes) return `the payload has more than ${limits.nodes} values`;
    if (depth > limits.depth) return `${path || 'payload'} is nested more than ${limits.depth} levels deep`;
    if (typeof v === 'string') return v.length > limits.text ? `${path || 'payload'} is longer than ${limits.text} characters` : undefined;
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (v.length > limits.list) return `${path || 'payload'} has more than ${limits.list} entries`;
      for (let i = 0; i < v.length; i++) {
        const problem = walk(v[i], `${path}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.list) return `${path || 'payload'} has more than ${limits.list} keys`;
    for (const key of keys) {
      if (key.length > 256) return `${path || 'payload'} has a key longer than 256 characters`;
      const problem = walk((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(value, '', 0);
}

/** Any JSON value within the limits, still untrusted in shape (for "validate this draft"). */
export const BoundedJson = z.unknown().superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is missing' });
    return;
  }
  const problem = boundsProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A complete, valid version-1 config: within the limits, then every DESIGN rule via
 * validateConfig. Errors keep their JSON paths (relative to the config).
 */
export const ConfigPayload = z
  .custom<Config>()
  .superRefine((value, ctx) => {
    const problem = boundsProblem(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return;
    }
    const networks = (value as { networks?: unknown } | null)?.networks;
    if (Array.isArray(networks) && networks.length > LIMITS.networks) {
      ctx.addIssue({ code: 'custom', path: ['networks'], message: `at most ${LIMITS.networks} networks are supported` });
      return;
    }
    const result = validateConfig(value);
    if (!result.ok) {
      for (const error of result.errors) ctx.addIssue({ code: 'custom', path: [...error.path], message: error.message });
    }
  })
  .transform((value) => {
    // superRefine passed, so this is valid; parse again to get defaults filled in.
    const result = validateConfig(value);
    if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
    return result.config;
  });

/** Short text such as a network or interface name. */
export const name = (max = 64) => z.string().min(1).max(max);

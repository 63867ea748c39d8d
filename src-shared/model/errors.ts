// Validation errors name the JSON path of the offending field, written the way a
// person reads it: `networks[2].dhcp.rangeEnd`.

export type Path = readonly (string | number)[];

export interface ValidationError {
  path: Path;
  message: string;
}

export function formatPath(path: Path): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text === '' ? 'config' : text;
}

/** `networks[2].dhcp.rangeEnd: message` */
export function formatError(error: ValidationError): string {
  return `${formatPath(error.path)}: ${error.message}`;
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** Thrown where a caller wants an exception instead of a result; carries every finding. */
export class ConfigError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(errors.map(formatError).join('\n'));
    this.name = 'ConfigError';
  }
}

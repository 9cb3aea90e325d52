// The package's own ConfigError: the same class name and message shape as @mlp-blocks/core's (Keras-style:
// owner, option, what was expected, what was received), without depending on core.

/** Raised for an invalid argument or option; names it and echoes the value received. */
export class ConfigError extends Error {
  readonly option: string;
  readonly received: unknown;

  constructor(owner: string, option: string, expected: string, received: unknown, message?: string) {
    super(message ?? `${owner}: option "${option}" must be ${expected}, received ${describe(received)}`);
    this.name = 'ConfigError';
    this.option = option;
    this.received = received;
  }
}

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

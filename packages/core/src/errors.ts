/** Raised for an invalid option; names the option and echoes the value received (Keras-style). */
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

/** Raised when a tensor reaching a block has a shape the block cannot take. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
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

/**
 * An error the user can cause and fix: a code for scripts, a one-line message, and a hint that says what to do.
 * The CLI prints these without a stack trace (see src/cli/gx-command.ts).
 */
export class GxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GxError';
  }
}

/** Every problem found in one experiment file, each already formatted as `file:line:col: message`. */
export class ConfigError extends GxError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', problems.join('\n'), 'fix the lines above; `gx schema` prints every key and its type');
    this.name = 'ConfigError';
  }
}

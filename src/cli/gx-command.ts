import { Command, Flags } from '@oclif/core';
import { GxError } from '../errors.js';
import { describeSystemError } from '../system-errors.js';

/**
 * The base of every gx command: a user's mistake (GxError) and a fault of the environment (a full disk, a read-only
 * or missing folder: Node's system errors) are printed as one line and a hint, without a stack trace, and exit
 * non-zero; anything else is a bug in gx, shown with its stack under --debug.
 */
export abstract class GxCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Print stack traces of errors', helpGroup: 'GLOBAL' }),
  };

  protected override async catch(thrown: Error & { oclif?: unknown }): Promise<unknown> {
    // oclif's own errors (unknown flag, missing argument) already read well.
    if (thrown.oclif !== undefined) return super.catch(thrown);
    process.exitCode = 1;
    const debug = this.argv.includes('--debug');
    const error = describeSystemError(thrown) ?? thrown;
    if (error instanceof GxError) {
      if (this.jsonEnabled()) this.logJson({ error: { code: error.code, message: error.message, hint: error.hint } });
      else process.stderr.write(`${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    } else {
      process.stderr.write(`gx: unexpected error: ${error.message}\n`);
      if (!debug)
        process.stderr.write('hint: this is a bug in gx; rerun with --debug for the stack trace and report it\n');
    }
    if (debug && thrown.stack) process.stderr.write(`${thrown.stack}\n`);
    return undefined;
  }
}

/** `--set path=value`, repeatable; shared by every command that loads an experiment. */
export const setFlag = Flags.string({
  char: 's',
  description: 'Override a value in the experiment, e.g. train.optimizer.g.lr=1e-4 (repeatable)',
  multiple: true,
  default: [],
});

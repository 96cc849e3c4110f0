// The commander program. The ONE place errors become messages and exit codes
// (docs/architecture.md#errors-and-exit-codes).
// Commands are registered from src/commands/*; each checks options, calls one library function and renders.
import { Command, CommanderError, Option } from 'commander';
import { jsonInArgv, wantsJson } from './commands/global.js';
import { registerCommands } from './commands/index.js';
import {
  asUserError,
  ExitCode,
  exitCodeOf,
  InputError,
  InternalError,
  MultiInputError,
  safeErrorText,
} from './errors.js';
import { output } from './report/output.js';

// Errors follow the output format the command was asked for: JSON on stderr when it is json (--format json or
// --json). Known from the raw arguments before parsing (a bad flag), then from the parsed options (preAction).
let errorsAsJson = false;

export function buildProgram(): Command {
  const program = new Command('aicost')
    .description(
      'Make AI inference spend attributable: FOCUS 1.3 Parquet from provider bills, gateway logs and traces',
    )
    .version('0.1.0')
    .addOption(
      new Option('--data <dir>', 'data home (FOCUS Parquet + manifest)')
        .env('AICOST_DATA')
        .default('./aicost-data'),
    )
    .addOption(
      new Option('--config <file>', 'config file (default ./aicost.config.yaml when present)').env(
        'AICOST_CONFIG',
      ),
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
      // in JSON mode reportError prints commander's parse errors as JSON instead
      outputError: (s, write) => {
        if (!errorsAsJson) write(s);
      },
    })
    .hook('preAction', (_program, action) => {
      errorsAsJson = wantsJson(action.opts());
    });
  program.addHelpText(
    'after',
    `
Examples:
  $ aicost ingest exports/                 ingest every supported file under exports/
  $ aicost query "SELECT x_SourceId, SUM(BilledCost) FROM focus GROUP BY 1"
  $ aicost validate --view focus           check stored data against FOCUS 1.3 rules

Exit codes: 0 ok, 1 a requested check failed, 2 usage or input error, 3 internal error (a bug).`,
  );
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  // `aicost query ... | head` closes stdout early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  errorsAsJson = jsonInArgv(argv.slice(2));
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return reportError(err, errorsAsJson);
  }
}

function reportError(thrown: unknown, json: boolean): number {
  const err = asUserError(thrown);
  if (err instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    if (err.exitCode === 0) return ExitCode.ok;
    if (json) writeJsonError(err.message.replace(/^error: /, ''), ExitCode.input);
    return ExitCode.input;
  }
  const code = exitCodeOf(err);
  const message =
    err instanceof InputError
      ? err.describe()
      : err instanceof InternalError
        ? `internal error (this is a bug): ${err.message}`
        : err instanceof Error && code === ExitCode.internal
          ? `internal error (this is a bug): ${safeErrorText(err, true)}`
          : safeErrorText(err);
  if (json) {
    const errors =
      err instanceof MultiInputError
        ? err.errors.map((e) => ({ ...e.location, message: e.message }))
        : undefined;
    writeJsonError(message, code, errors, err instanceof InputError ? err.hint : undefined);
  } else {
    output.error(message);
    if (err instanceof InputError && err.hint) output.note(`hint: ${err.hint}`);
  }
  return code;
}

/** One JSON object on stderr: `{ error, exitCode, errors?, hint? }` (docs/architecture.md#errors-and-exit-codes). */
function writeJsonError(error: string, exitCode: number, errors?: unknown[], hint?: string): void {
  process.stderr.write(`${JSON.stringify({ error, exitCode, errors, hint })}\n`);
}

// The options every command shares: the global ones (--data, --config), read here so the commands never import the
// program (cli.ts) that imports them; and the output flag. `--format` is the one output flag of every command;
// `--json` stays as its alias (`--format json`) because scripts already pass it. cli.ts asks wantsJson for the same
// answer, so that errors come out in the format asked for.
import { type Command, Option } from 'commander';
import { InputError } from '../errors.js';

/** Options defined on the program itself and inherited by every command. */
export interface GlobalOptions {
  data: string;
  config?: string;
  json?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export type Format = 'table' | 'json' | 'csv';

/** `--format <choices>`, table unless told. */
export function formatFlag(formats: readonly Format[]): Option {
  return new Option('--format <format>', 'output format').choices(formats).default('table');
}

/** `--json`, kept for scripts that pass it: the same as `--format json`. */
export function jsonFlag(): Option {
  return new Option('--json', 'the same as --format json');
}

/** The format a command was asked for; `--json` with another `--format` is a contradiction. */
export function outputFormat(cmd: Command): Format {
  const { format, json } = cmd.opts<{ format: Format; json?: boolean }>();
  if (!json) return format;
  if (cmd.getOptionValueSource('format') === 'cli' && format !== 'json')
    throw new InputError(`--json means --format json; it cannot go with --format ${format}`);
  return 'json';
}

/** Whether a command's parsed options ask for JSON. */
export function wantsJson(opts: Record<string, unknown>): boolean {
  return opts.json === true || opts.format === 'json';
}

/** The same question asked of raw arguments, for errors raised before the options are parsed. */
export function jsonInArgv(argv: readonly string[]): boolean {
  return argv.some(
    (a, i) => a === '--json' || a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'),
  );
}

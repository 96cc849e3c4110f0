// The global options (--data, --config) every subcommand reads. The type lives here, beside its only reader, so
// the commands never import the program (cli.ts) that imports them.
import type { Command } from 'commander';

/** Options defined on the program itself and inherited by every command. */
export interface GlobalOptions {
  data: string;
  config?: string;
  json?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

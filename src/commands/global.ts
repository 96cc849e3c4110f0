// Reads the global options (--data, --config) from any subcommand.
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli.js';

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

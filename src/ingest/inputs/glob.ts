// Glob patterns the shell did not expand (`aicost ingest 'exports/**/*.csv'`: quoted, or a shell without globstar).
// Matching is tinyglobby's (https://github.com/SuperchupuDev/tinyglobby, MIT; picomatch syntax), not ours.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../../errors.js';

export interface GlobMatch {
  files: string[];
  /**
   * Whether the matches count as named by the user. A pattern whose last segment ends in a literal extension
   * (`*.csv`, `costs-*.json.gz`) names its files: one that is not a supported input is an error, as for a file named
   * on the command line. A pattern without one (`exports/*`, `exports/**`) is a folder walk in other words: files that
   * are not data are skipped and listed, as when walking a folder.
   */
  explicit: boolean;
}

/** True when the last path segment ends in `.ext` with no pattern characters in the extension. */
function namesExtension(pattern: string): boolean {
  const last = pattern.split('/').pop() ?? '';
  return /\.[A-Za-z0-9]+$/.test(last) && !/[*?[\]{}]/.test(last.slice(last.lastIndexOf('.')));
}

/**
 * The files a glob pattern matches (sorted), or null when `arg` is not a pattern or names an existing path (a file
 * may have `[` in its name). A pattern that matches no file is an input error naming the pattern.
 */
export function expandGlob(arg: string): GlobMatch | null {
  if (!isDynamicPattern(arg) || existsSync(arg)) return null;
  // matches keep the pattern's form: absolute for an absolute pattern, relative to the working directory otherwise
  const files = globSync(arg, { onlyFiles: true, absolute: isAbsolute(arg), dot: false }).sort();
  if (files.length === 0) {
    throw new InputError(
      `no files match the pattern "${arg}"`,
      { file: arg },
      'check the pattern, or let the shell expand it',
    );
  }
  return { files, explicit: namesExtension(arg) };
}

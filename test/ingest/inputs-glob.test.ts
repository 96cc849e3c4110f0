// Glob patterns the shell left alone: matched by tinyglobby; no match is an input error naming the pattern; a
// pattern ending in an extension names its files (undetectable = error), one without walks like a folder.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { discoverInputs } from '../../src/ingest/discover.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);
const dir = join(home, 'exports');
mkdirSync(join(dir, 'nested'), { recursive: true });
copyFileSync(fixture('litellm/spendlogs.csv'), join(dir, 'spendlogs.csv'));
copyFileSync(fixture('compressed/spendlogs.csv.gz'), join(dir, 'nested', 'more.csv.gz'));
copyFileSync(fixture('litellm/spend_logs_response.json'), join(dir, 'nested', 'logs.json'));
writeFileSync(join(dir, 'README.md'), '# exports\n');
writeFileSync(join(dir, 'notes.json'), '{"note": "not an export"}\n');

describe('glob patterns', () => {
  it('** matches nested files; a pattern ending in an extension names them, one ending in * walks', () => {
    expect(discoverInputs([`${dir}/**/*.gz`]).inputs).toEqual([
      { path: join(dir, 'nested', 'more.csv.gz'), explicit: true },
    ]);
    expect(discoverInputs([`${dir}/**/*.csv*`]).inputs).toEqual([
      { path: join(dir, 'nested', 'more.csv.gz'), explicit: false },
      { path: join(dir, 'spendlogs.csv'), explicit: false },
    ]);
  });

  it('a pattern that matches nothing is an input error naming the pattern', () => {
    const pattern = `${dir}/**/*.parquet`;
    expect(() => discoverInputs([pattern])).toThrow(InputError);
    expect(() => discoverInputs([pattern])).toThrow(`no files match the pattern "${pattern}"`);
  });

  it('a file a *.json pattern names that is not a supported input is an error', async () => {
    const err = await ingestInto(home, [`${dir}/*.json`], { dryRun: true }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(/notes\.json: not a supported input/);
  });

  it('a pattern without an extension walks like a folder: non-data and undetectable files are skipped', async () => {
    const r = await ingestInto(home, [`${dir}/*`], { dryRun: true });
    expect(r.files.map((f) => [f.path, f.sourceId, f.rowsOut])).toEqual([
      [join(dir, 'spendlogs.csv'), 'litellm', 5],
    ]);
    expect(r.skipped.map((s) => s.path)).toEqual([join(dir, 'README.md'), join(dir, 'notes.json')]);
  });

  it('the CLI expands a quoted pattern itself and stores the matched files', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'aicost.js');
    const data = join(home, 'data');
    const r = spawnSync(
      process.execPath,
      [bin, '--data', data, 'ingest', `${dir}/**/*.json`, '--source', 'litellm'],
      {
        encoding: 'utf8',
      },
    );
    // notes.json is named by the pattern: forced to litellm it lacks the required columns
    expect(r.status).toBe(2);
    const ok = spawnSync(process.execPath, [bin, '--data', data, 'ingest', `${dir}/nested/*.json`], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(await one(data, 'SELECT count(*)::VARCHAR n FROM usage')).toEqual({ n: '3' });
    const none = spawnSync(process.execPath, [bin, '--data', data, 'ingest', `${dir}/*.parquet`], {
      encoding: 'utf8',
    });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no files match the pattern');
  });
});

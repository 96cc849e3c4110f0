// The bad-input corpus: each case names file, line/record and column, and leaves the data home unchanged.
// The quirks corpus: real-world oddities that must ingest with the same totals as the clean file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);

async function failure(file: string): Promise<InputError> {
  const err = await ingestInto(home, [fixture('bad', file)]).catch((e) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('bad input', () => {
  const cases: [string, RegExp, { record?: string | number; column?: string }][] = [
    ['truncated.csv', /Expected Number of Columns/, { record: 3 }],
    ['truncated.json', /malformed JSON/, { record: 24 }],
    ['non_utf8.csv', /utf-8|UTF-8|unicode/i, { record: 2, column: 'user' }],
    [
      'missing_required_column.csv',
      /required column "prompt_tokens" is missing/,
      { column: 'prompt_tokens' },
    ],
    ['negative_tokens.csv', /non-negative whole number/, { record: 3, column: 'completion_tokens' }],
    ['non_numeric_tokens.csv', /"abc"/, { record: 3, column: 'prompt_tokens' }],
    ['unparseable_date.csv', /yesterday noon/, { record: 3, column: 'startTime' }],
    ['empty.csv', /empty file/, {}],
    ['empty.json', /empty file/, {}],
    ['wrong_shape.json', /expected an array at data/, { record: 'data' }],
    ['anthropic_bad_amount.json', /not a number/, { record: 'data[0].results[0]', column: 'amount' }],
    ['focus_no_cost_column.csv', /no cost column/, {}],
    ['not_focus_columns.parquet', /not a supported input/, {}],
  ];
  for (const [file, message, loc] of cases) {
    it(`${file}: ${message.source}`, async () => {
      const err = await failure(file);
      expect(err.describe()).toMatch(message);
      expect(err.location.file).toContain(file);
      if (loc.record !== undefined) expect(err.location.record).toBe(loc.record);
      if (loc.column !== undefined) expect(err.location.column).toBe(loc.column);
    });
  }

  it('left the data home empty after all of them', async () => {
    const r = await one<{ f: string; u: string }>(
      home,
      'SELECT (SELECT count(*) FROM focus)::VARCHAR f, (SELECT count(*) FROM usage)::VARCHAR u',
    );
    expect(r).toEqual({ f: '0', u: '0' });
  });
});

describe('quirks that must ingest', () => {
  for (const file of [
    'litellm_bom_crlf.csv',
    'litellm_quoted_numbers.csv',
    'litellm_scientific.csv',
    'litellm_extra_columns.csv',
  ]) {
    it(`${file} gives the clean file's values`, async () => {
      const h = tmpHome();
      try {
        await ingestInto(h.home, [fixture('quirks', file)]);
        const r = await one<Record<string, string>>(
          h.home,
          'SELECT count(*)::VARCHAR n, SUM(input)::VARCHAR i, SUM(cache_read)::VARCHAR cr, SUM(output)::VARCHAR o, SUM(source_cost)::VARCHAR sc FROM usage',
        );
        expect(r).toEqual({ n: '2', i: '1020', cr: '200', o: '380', sc: '0.000497000000000000' });
      } finally {
        h.cleanup();
      }
    });
  }

  it('focus_semicolon.csv (";" delimiter) ingests with exact sums', async () => {
    const h = tmpHome();
    try {
      await ingestInto(h.home, [fixture('quirks', 'focus_semicolon.csv')]);
      const r = await one<Record<string, string>>(
        h.home,
        'SELECT count(*)::VARCHAR n, SUM(BilledCost)::VARCHAR b FROM focus',
      );
      expect(r).toEqual({ n: '5', b: '0.000017273600000000' });
    } finally {
      h.cleanup();
    }
  });

  it('the quirk files really carry their quirk', () => {
    expect(readFileSync(fixture('quirks', 'litellm_bom_crlf.csv')).subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
    expect(readFileSync(fixture('quirks', 'litellm_bom_crlf.csv'), 'utf8')).toContain('\r\n');
    expect(readFileSync(join(fixture('quirks'), 'litellm_scientific.csv'), 'utf8')).toContain('1.2e3');
  });
});

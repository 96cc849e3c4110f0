// The tokenizer choice of `aicost estimate` (src/analysis/tokenize.ts) and its exact money helpers: OpenAI ids map to
// the encoding gpt-tokenizer itself assigns them, other families to a labelled approximation, and the rounding is
// done in integers, where floats would round 28.5 down.
import { DEFAULT_ENCODING, modelToEncodingMap } from 'gpt-tokenizer/mapping';
import { describe, expect, it } from 'vitest';
import { exceeds, money, per1m } from '../../src/analysis/estimate-money.js';
import { encodingCount, familyOf, scaleCount, tokenizerFor } from '../../src/analysis/tokenize.js';
import { loadPriceBook } from '../../src/prices/book.js';

describe('tokenizerFor', () => {
  it('gives every OpenAI model of the book the encoding gpt-tokenizer maps it to', () => {
    const book = loadPriceBook();
    const ids = new Set(book.aliases.filter((a) => a.provider === 'openai').map((a) => a.alias));
    const openai = [...ids].filter((id) => familyOf(id) === 'openai');
    expect(openai.length).toBeGreaterThan(20);
    const map = modelToEncodingMap as Record<string, string>;
    // gpt-tokenizer lists the models whose encoding is not its default (o200k_base); a snapshot or variant of a
    // listed id (text-embedding-ada-002-v2) has that id's encoding.
    const keys = Object.keys(map).sort((a, b) => b.length - a.length);
    const listed = (id: string) => (id in map ? id : keys.find((k) => id.startsWith(`${k}-`)));
    for (const id of openai) {
      // text-moderation predates o200k_base; gpt-tokenizer does not list it and it takes no prompts worth pricing
      if (id.startsWith('text-moderation')) continue;
      const key = listed(id);
      const theirs = key === undefined ? DEFAULT_ENCODING : map[key];
      expect([id, tokenizerFor(id).encoding]).toEqual([id, theirs]);
      expect(tokenizerFor(id)).toMatchObject({ exact: true, factor: 1 });
    }
  });

  it('labels the other families approximate, whoever hosts them', () => {
    expect(tokenizerFor('claude-sonnet-4-20250514')).toMatchObject({
      family: 'anthropic',
      exact: false,
      factor: 1.14,
    });
    expect(tokenizerFor('us.anthropic.claude-3-5-haiku-20241022-v1:0').family).toBe('anthropic');
    expect(tokenizerFor('gemini-2.5-flash')).toMatchObject({ family: 'google', factor: 1, exact: false });
    expect(tokenizerFor('meta.llama3-1-70b-instruct-v1:0')).toMatchObject({
      family: 'llama',
      encoding: 'cl100k_base',
    });
    expect(tokenizerFor('mistral-large-2411').method).toMatch(/uncalibrated/);
    expect(tokenizerFor('amazon.nova-pro-v1:0')).toMatchObject({ family: 'other', sources: [] });
  });
});

describe('counting', () => {
  it('counts special-token spellings as the text they are', async () => {
    // '<|endoftext|>' in a prompt file is characters, not the control token (gpt-tokenizer would throw by default)
    expect(await encodingCount('hi <|endoftext|> there', 'o200k_base')).toBeGreaterThan(3);
    expect(await encodingCount('', 'cl100k_base')).toBe(0);
  });

  it('scales counts in integers, half up', () => {
    expect(25 * 1.14).toBeLessThan(28.5); // the float trap
    expect(scaleCount(25, 114, 100)).toBe(29);
    expect(scaleCount(77, 114, 100)).toBe(88);
    expect(scaleCount(243, 100, 77)).toBe(316);
    expect(scaleCount(0, 114, 100)).toBe(0);
  });
});

describe('money', () => {
  const units = (s: string) =>
    BigInt(s.replace('.', '')) * 10n ** BigInt(18 - (s.split('.')[1]?.length ?? 0));

  it('rounds once, half away from zero, to 1e-6', () => {
    expect(money(units('0.0653625'))).toBe('0.065363');
    expect(money(-units('0.0653625'))).toBe('-0.065363');
    expect(money(units('0.0653624999'))).toBe('0.065362');
    expect(money(0n)).toBe('0.000000');
    expect(money(units('12345.5'))).toBe('12345.500000');
  });

  it('shows prices per 1M tokens and compares thresholds without dividing', () => {
    expect(per1m('0.000000150000000000')).toBe('0.15');
    expect(per1m(null)).toBeNull();
    const [delta, base] = [units('1'), units('10')]; // +10 %
    expect(exceeds(delta, base, null, 10)).toBe(false);
    expect(exceeds(delta, base, null, 9.99)).toBe(true);
    expect(exceeds(delta, base, '1', null)).toBe(false);
    expect(exceeds(delta, base, '0.999999', null)).toBe(true);
    expect(exceeds(-delta, base, '0', 0)).toBe(false);
  });
});

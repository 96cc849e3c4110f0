import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadPriceBook, type PriceBook } from '../../src/prices/book.js';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);
let book: PriceBook;
beforeAll(() => {
  book = loadPriceBook();
});

/** USD per single unit, as the book stores it. */
function price(
  provider: string | null,
  model: string,
  unit: Parameters<PriceBook['lookup']>[2],
  day: string,
  tier?: string,
) {
  return book.lookup(provider, model, unit, at(day), tier)?.price ?? null;
}

describe('bundled price book', () => {
  it('prices claude-sonnet-4-20250514 per token class (USD 3 / 0.30 / 3.75 / 6 / 15 per 1M)', () => {
    const day = '2025-08-01';
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'input', day)).toBe('0.000003');
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'cache_read', day)).toBe('0.0000003');
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'cache_write_5m', day)).toBe('0.00000375');
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'cache_write_1h', day)).toBe('0.000006');
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'output', day)).toBe('0.000015');
    // TTL unknown: the 5-minute write price.
    expect(price('anthropic', 'claude-sonnet-4-20250514', 'cache_write', day)).toBe('0.00000375');
  });

  it('prices the OpenAI models of the samples, cache writes at the input price where OpenAI charges no write surcharge', () => {
    expect(price('openai', 'gpt-4o-mini-2024-07-18', 'input', '2024-11-01')).toBe('0.00000015');
    expect(price('openai', 'gpt-4o-mini-2024-07-18', 'cache_read', '2024-11-01')).toBe('0.000000075');
    expect(price('openai', 'gpt-4o-mini-2024-07-18', 'output', '2024-11-01')).toBe('0.0000006');
    expect(price('openai', 'gpt-4o-2024-08-06', 'output', '2024-11-01')).toBe('0.00001');
    // Was null ("no OpenAI cache-write price"), which left rows with cache writes unpriced: wrong since OpenAI bills
    // a cache write as ordinary input on this model (prices/book.yaml source openai-caching). Per model now:
    expect(price('openai', 'gpt-4o-mini-2024-07-18', 'cache_write_5m', '2024-11-01')).toBe('0.00000015');
    expect(price('openai', 'gpt-4o-mini-2024-07-18', 'cache_write', '2024-11-01')).toBe('0.00000015');
    expect(price('openai', 'gpt-5.6', 'cache_write', '2026-08-01')).toBe('0.00000625');
    expect(price('openai', 'gpt-5-pro', 'cache_read', '2025-11-01')).toBeNull();
    expect(price('openai', 'text-embedding-ada-002-v2', 'input', '2024-11-01')).toBe('0.0000001');
    expect(price('openai', 'text-moderation', 'input', '2024-11-01')).toBe('0');
    expect(price('openai', 'tts-1', 'character', '2024-11-01')).toBe('0.000015');
    expect(price('openai', 'dall-e-3', 'image', '2024-11-01')).toBe('0.04');
    expect(price('openai', 'whisper-1', 'audio_second', '2024-11-01')).toBe('0.0001');
  });

  it('has a source on every row and no float-looking prices', () => {
    for (const r of book.rows) {
      expect(r.source).toMatch(/\S/);
      expect(r.price).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
    }
  });

  it('records long-context and Bedrock-profile tiers as data', () => {
    const long = book.rows.find(
      (r) =>
        r.provider === 'anthropic' &&
        r.model === 'claude-sonnet-4-5-20250929' &&
        r.min_context_tokens === 200000 &&
        r.unit === 'input',
    );
    expect(long?.price).toBe('0.000006');
    // The base tier is what lookups and the estimator apply.
    expect(price('anthropic', 'claude-sonnet-4-5', 'input', '2025-10-01')).toBe('0.000003');
  });
});

describe('model aliases', () => {
  it.each([
    ['openai', 'gpt-4o-mini', 'openai', 'gpt-4o-mini-2024-07-18'],
    ['openai', 'openai/GPT-4o', 'openai', 'gpt-4o-2024-08-06'],
    ['anthropic', 'claude-sonnet-4', 'anthropic', 'claude-sonnet-4-20250514'],
    ['anthropic', 'anthropic/claude-sonnet-4-0', 'anthropic', 'claude-sonnet-4-20250514'],
    ['bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'aws-bedrock', 'claude-sonnet-4-20250514'],
    [
      'aws-bedrock',
      'bedrock/converse/eu.anthropic.claude-sonnet-4-20250514-v1:0',
      'aws-bedrock',
      'claude-sonnet-4-20250514',
    ],
    [
      'bedrock',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'aws-bedrock',
      'claude-sonnet-4-5-20250929',
    ],
    ['bedrock', 'anthropic.claude-sonnet-4-20250514', 'aws-bedrock', 'claude-sonnet-4-20250514'],
    ['bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'aws-bedrock', 'claude-3-5-sonnet-20241022'],
    ['bedrock', 'us.amazon.nova-lite-v1:0', 'aws-bedrock', 'amazon.nova-lite-v1:0'],
    ['azure', 'azure/gpt-4o', 'azure-openai', 'gpt-4o-2024-08-06'],
    ['gemini', 'gemini/gemini-2.0-flash', 'google', 'gemini-2.0-flash-001'],
    ['vertex_ai', 'models/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
    ['mistral', 'mistral/mistral-large', 'mistral', 'mistral-large-2411'],
    ['openai', 'text-embedding-ada-002-v2', 'openai', 'text-embedding-ada-002'],
  ])('%s %s -> %s %s', (provider, raw, expectedProvider, model) => {
    expect(book.resolveModel(provider, raw)).toEqual({ provider: expectedProvider, model, known: true });
  });

  it('resolves provider-less ids through the first-party provider', () => {
    expect(book.resolveModel(null, 'gpt-4o')).toEqual({
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      known: true,
    });
    expect(book.resolveModel(null, 'us.anthropic.claude-sonnet-4-20250514-v1:0')).toEqual({
      provider: 'aws-bedrock',
      model: 'claude-sonnet-4-20250514',
      known: true,
    });
  });

  it('keeps unknown ids (lowercased, prefix stripped) and marks them unknown', () => {
    expect(book.resolveModel('openai', 'openai/My-FineTune')).toEqual({
      provider: 'openai',
      model: 'my-finetune',
      known: false,
    });
    expect(book.resolveModel('groq', 'llama3-8b-8192')).toEqual({
      provider: 'groq',
      model: 'llama3-8b-8192',
      known: false,
    });
    // Known elsewhere: canonical id, but not priced for this provider.
    // (was azure gpt-5, which the book prices now)
    expect(book.resolveModel('azure-openai', 'o3')).toEqual({
      provider: 'azure-openai',
      model: 'o3-2025-04-16',
      known: false,
    });
    expect(book.lookup('groq', 'llama3-8b-8192', 'input', at('2025-01-01'))).toBeNull();
  });
});

describe('price versions and tiers', () => {
  it('selects the price version by request date (o3 price cut of 2025-06-10)', () => {
    expect(price('openai', 'o3', 'input', '2025-05-01')).toBe('0.00001');
    expect(price('openai', 'o3', 'output', '2025-06-09')).toBe('0.00004');
    expect(price('openai', 'o3', 'input', '2025-06-10')).toBe('0.000002');
    expect(price('openai', 'o3', 'output', '2025-07-01')).toBe('0.000008');
    // No cached-input price recorded before the cut: unpriced, not free.
    expect(price('openai', 'o3', 'cache_read', '2025-05-01')).toBeNull();
    // Before the snapshot existed.
    expect(price('openai', 'o3', 'input', '2025-04-15')).toBeNull();
  });

  it('prefers the service-tier price, falling back to the default tier per class', () => {
    expect(price('openai', 'gpt-4o-mini', 'input', '2025-01-01', 'batch')).toBe('0.000000075');
    expect(price('openai', 'gpt-4o-mini', 'input', '2025-01-01', 'priority')).toBe('0.00000025');
    expect(price('openai', 'gpt-5', 'output', '2025-09-01', 'flex')).toBe('0.000005');
    expect(price('openai', 'gpt-5', 'output', '2025-09-01', 'default')).toBe('0.00001');
    // No batch cached-input price for gpt-4o-mini: the default-tier price applies.
    expect(price('openai', 'gpt-4o-mini', 'cache_read', '2025-01-01', 'batch')).toBe('0.000000075');
    expect(price('anthropic', 'claude-sonnet-4', 'output', '2025-08-01', 'batch')).toBe('0.0000075');
  });

  it('prefers a Bedrock profile price over the any-profile price', () => {
    expect(price('aws-bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'input', '2025-10-01')).toBe(
      '0.0000033',
    );
    expect(
      price('aws-bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'input', '2025-10-01'),
    ).toBe('0.000003');
    expect(price('aws-bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'input', '2025-10-01')).toBe(
      '0.000003',
    );
  });
});

describe('rate card', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aicost-rate-card-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('overrides the book for its period and adds self-hosted models (fixtures/rate-card/example.yaml)', () => {
    const withCard = loadPriceBook({
      rateCard: new URL('../../fixtures/rate-card/example.yaml', import.meta.url).pathname,
    });
    const get = (p: string, m: string, u: Parameters<PriceBook['lookup']>[2], d: string) =>
      withCard.lookup(p, m, u, at(d))?.price ?? null;
    expect(get('anthropic', 'claude-sonnet-4-20250514', 'input', '2025-07-01')).toBe('0.0000027');
    expect(get('anthropic', 'claude-sonnet-4-20250514', 'output', '2026-01-01')).toBe('0.0000135');
    // Before the contract: list price.
    expect(get('anthropic', 'claude-sonnet-4-20250514', 'input', '2025-06-30')).toBe('0.000003');
    expect(withCard.lookup('anthropic', 'claude-sonnet-4', 'input', at('2025-07-01'))?.origin).toBe(
      'rate-card',
    );
    // Adds a class the book lacks; keeps the book's other classes.
    expect(get('openai', 'gpt-4o-mini', 'cache_write', '2025-01-01')).toBe('0.00000015');
    expect(get('openai', 'gpt-4o-mini', 'input', '2025-01-01')).toBe('0.00000015');
    expect(withCard.resolveModel('self-hosted', 'meta-llama/Llama-3.3-70B-Instruct')).toEqual({
      provider: 'self-hosted',
      model: 'llama-3.3-70b-instruct',
      known: true,
    });
    expect(get('self-hosted', 'llama-3.3-70b-instruct', 'output', '2025-12-31')).toBe('0.0000002');
    expect(get('self-hosted', 'llama-3.3-70b-instruct', 'output', '2026-01-01')).toBe('0.00000015');
  });

  it('names the file, key path and line of a bad price', () => {
    const file = write(
      'bad-number.yaml',
      [
        'version: 1',
        'providers:',
        '  openai:',
        '    gpt-4o:',
        '      prices:',
        '        - valid_from: 2025-01-01',
        '          per_1m_tokens:',
        '            input: 2.10',
        '',
      ].join('\n'),
    );
    let error: unknown;
    try {
      loadPriceBook({ rateCard: file });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.location).toEqual({
      file,
      record: 8,
      column: 'providers.openai.gpt-4o.prices[0].per_1m_tokens.input',
    });
    expect(e.message).toMatch(/quoted decimal string/);
    expect(e.describe()).toContain(
      `${file}, line 8, column providers.openai.gpt-4o.prices[0].per_1m_tokens.input`,
    );
  });

  it('rejects unknown keys, bad dates and overlapping periods with their line', () => {
    const unknownKey = write(
      'unknown-key.yaml',
      [
        'version: 1',
        'providers:',
        '  openai:',
        '    gpt-4o:',
        '      prices:',
        '        - valid_from: 2025-01-01',
        '          per_1m_token: { input: "1" }',
        '',
      ].join('\n'),
    );
    expect(() => loadPriceBook({ rateCard: unknownKey })).toThrow(
      expect.objectContaining({
        location: expect.objectContaining({ record: 6, column: 'providers.openai.gpt-4o.prices[0]' }),
      }),
    );
    const badDate = write(
      'bad-date.yaml',
      [
        'version: 1',
        'providers:',
        '  openai:',
        '    gpt-4o:',
        '      prices:',
        '        - valid_from: 2025-02-30',
        '          per_1m_tokens: { input: "1" }',
        '',
      ].join('\n'),
    );
    expect(() => loadPriceBook({ rateCard: badDate })).toThrow(
      expect.objectContaining({
        location: expect.objectContaining({
          record: 6,
          column: 'providers.openai.gpt-4o.prices[0].valid_from',
        }),
      }),
    );
    const overlap = write(
      'overlap.yaml',
      [
        'version: 1',
        'providers:',
        '  self-hosted:',
        '    my-model:',
        '      prices:',
        '        - { valid_from: 2025-01-01, per_1m_tokens: { input: "1" } }',
        '        - { valid_from: 2025-06-01, per_1m_tokens: { input: "2" } }',
        '',
      ].join('\n'),
    );
    expect(() => loadPriceBook({ rateCard: overlap })).toThrow(
      expect.objectContaining({
        location: expect.objectContaining({ record: 7, column: 'providers.self-hosted.my-model.prices[1]' }),
      }),
    );
    const provider = write(
      'provider.yaml',
      [
        'version: 1',
        'providers:',
        '  Bedrock:',
        '    x:',
        '      prices: [{ valid_from: 2025-01-01, per_1m_tokens: { input: "1" } }]',
        '',
      ].join('\n'),
    );
    expect(() => loadPriceBook({ rateCard: provider })).toThrow(/write the provider id as 'aws-bedrock'/);
  });
});

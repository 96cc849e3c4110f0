// The models issue 8 found unpriced though common, as requests name them (route prefixes, undated ids, Bedrock
// profiles, Azure deployment names): each resolves to its canonical id and has list prices on 2026-08-01 (USD per
// token; sources in prices/book.yaml, cross-checked in book-vs-references.test.ts).
import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../src/prices/book.js';

const book = loadPriceBook();
const at = new Date('2026-08-01T00:00:00Z');

// biome-ignore format: a table
const CASES: [provider: string, raw: string, model: string, input: string, output: string][] = [
  ['openai', 'gpt-5.1', 'gpt-5.1-2025-11-13', '0.00000125', '0.00001'],
  ['openai', 'openai/gpt-5.2', 'gpt-5.2-2025-12-11', '0.00000175', '0.000014'],
  ['openai', 'gpt-5-pro', 'gpt-5-pro-2025-10-06', '0.000015', '0.00012'],
  ['openai', 'o3-pro', 'o3-pro-2025-06-10', '0.00002', '0.00008'],
  ['anthropic', 'claude-opus-4-5', 'claude-opus-4-5-20251101', '0.000005', '0.000025'],
  ['anthropic', 'claude-opus-4-7', 'claude-opus-4-7-20260416', '0.000005', '0.000025'],
  ['bedrock', 'global.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5-20251101', '0.000005', '0.000025'],
  ['bedrock', 'us.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5-20251101', '0.0000055', '0.0000275'],
  ['bedrock', 'bedrock/us.anthropic.claude-opus-4-7', 'claude-opus-4-7-20260416', '0.0000055', '0.0000275'],
  ['gemini', 'gemini/gemini-3-pro-preview', 'gemini-3-pro-preview', '0.000002', '0.000012'],
  ['vertex_ai', 'gemini-2.0-flash-lite', 'gemini-2.0-flash-lite-001', '0.000000075', '0.0000003'],
  ['mistral', 'mistral/mistral-large-latest', 'mistral-large-2512', '0.0000005', '0.0000015'],
  ['bedrock', 'us.meta.llama3-3-70b-instruct-v1:0', 'meta.llama3-3-70b-instruct-v1:0', '0.00000072', '0.00000072'],
  ['bedrock', 'us.meta.llama4-maverick-17b-instruct-v1:0', 'meta.llama4-maverick-17b-instruct-v1:0', '0.00000024', '0.00000097'],
  ['bedrock', 'meta.llama4-scout-17b-instruct-v1:0', 'meta.llama4-scout-17b-instruct-v1:0', '0.00000017', '0.00000066'],
  ['azure', 'azure/gpt-5', 'gpt-5-2025-08-07', '0.00000125', '0.00001'],
  ['azure', 'o1-mini', 'o1-mini-2024-09-12', '0.0000011', '0.0000044'],
  ['azure', 'o4-mini', 'o4-mini-2025-04-16', '0.0000011', '0.0000044'],
];

describe('models priced since issue 8', () => {
  it.each(CASES)('%s %s -> %s', (provider, raw, model, input, output) => {
    expect(book.resolveModel(provider, raw)).toMatchObject({ model, known: true });
    expect(book.lookup(provider, raw, 'input', at)?.price).toBe(input);
    expect(book.lookup(provider, raw, 'output', at)?.price).toBe(output);
  });

  it('dates the corrected entries: gemini-2.5-pro from GA, mistral-large-2407 at its launch price', () => {
    const p = (provider: string, m: string, day: string) =>
      book.lookup(provider, m, 'input', new Date(`${day}T00:00:00Z`))?.price ?? null;
    expect(p('google', 'gemini-2.5-pro', '2025-06-16')).toBeNull();
    expect(p('google', 'gemini-2.5-pro', '2025-06-17')).toBe('0.00000125');
    expect(p('mistral', 'mistral-large-2407', '2024-07-23')).toBeNull();
    expect(p('mistral', 'mistral-large-2407', '2024-07-24')).toBe('0.000003');
    expect(p('mistral', 'mistral-large-2407', '2024-09-17')).toBe('0.000002');
  });
});

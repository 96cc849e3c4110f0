// The bundled price book against dated copies of two public price maps (fixtures/prices/references/ORIGIN.md):
// LiteLLM's model_prices_and_context_window.json (BerriAI/litellm, verbatim mirror RoCry/llm-api-price @
// 8442b939a6ead479f7995b5d74d8dce488bd0966) and Langfuse's default model prices (langfuse/langfuse @
// 62751446149b702b419a9292ddfc2280cdf74b8c, worker/src/constants/default-model-prices.json). Every price both state
// for a book model current at the snapshot is compared; the differences are data (differences.json), each with the
// reason the book differs, so a price change on either side shows up here as a diff to explain.
import { describe, expect, it } from 'vitest';
import {
  type Comparison,
  compareLangfuse,
  compareLitellm,
  type Difference,
  decimalOf,
  readReference,
} from './references.js';

interface Recorded {
  snapshot: string;
  differences: (Difference & { reason: string })[];
  noEntry: string[];
}
const recorded = readReference('differences.json') as Record<'litellm' | 'langfuse', Recorded>;
const strip = (ds: Recorded['differences']) => ds.map(({ reason: _r, ...d }) => d);

function check(name: 'litellm' | 'langfuse', got: Comparison, minCompared: number) {
  const rec = recorded[name];
  expect(got.compared).toBeGreaterThanOrEqual(minCompared);
  expect(got.differences).toEqual(strip(rec.differences));
  expect(got.noEntry).toEqual(rec.noEntry);
  for (const d of rec.differences) expect(d.reason?.length ?? 0, `${d.model} ${d.unit}`).toBeGreaterThan(40);
}

describe('book vs reference price maps', () => {
  it('reads the reference numbers exactly (the decimal of the shortest round-trip text)', () => {
    expect(decimalOf(2.5e-6)).toBe('0.0000025');
    expect(decimalOf(1.875e-8)).toBe('0.00000001875');
    expect(decimalOf(0.00012)).toBe('0.00012');
    expect(decimalOf(3.125e-6)).toBe('0.000003125');
  });

  it('agrees with LiteLLM except for the recorded differences, each with its reason', () => {
    const got = compareLitellm(readReference('litellm-model-prices.json'), recorded.litellm.snapshot);
    check('litellm', got, 400);
    // the recorded list names exactly these 12 prices today (7 reasons; 6 deliberate, 2 models unresolved)
    expect(
      got.differences.map((d) => `${d.provider}/${d.model}/${d.unit}${d.region ? `@${d.region}` : ''}`),
    ).toEqual([
      'anthropic/claude-3-haiku-20240307/cache_write_1h',
      'anthropic/claude-3-opus-20240229/cache_write_1h',
      'mistral/mistral-large-2407/input',
      'mistral/mistral-large-2407/output',
      'aws-bedrock/claude-sonnet-4-5-20250929/input@us-gov',
      'aws-bedrock/claude-sonnet-4-5-20250929/cache_read@us-gov',
      'aws-bedrock/claude-sonnet-4-5-20250929/cache_write_5m@us-gov',
      'aws-bedrock/claude-sonnet-4-5-20250929/output@us-gov',
      'aws-bedrock/meta.llama3-1-70b-instruct-v1:0/input',
      'aws-bedrock/meta.llama3-1-70b-instruct-v1:0/output',
      'azure-openai/gpt-4o-2024-11-20/input',
      'azure-openai/gpt-4o-2024-11-20/output',
    ]);
  });

  it('agrees with every Langfuse default price it shares with the book (tiers and long context included)', () => {
    const got = compareLangfuse(
      readReference('langfuse-default-model-prices.json'),
      recorded.langfuse.snapshot,
    );
    check('langfuse', got, 200);
    expect(got.differences).toEqual([]);
  });

  it('compares the tiered prices too: long-context, service-tier and profile rows', () => {
    const got = compareLitellm(readReference('litellm-model-prices.json'), recorded.litellm.snapshot);
    // a difference in any of them would be listed; none is, so check that they were compared at all by breaking one
    const map = readReference('litellm-model-prices.json');
    map['gemini/gemini-2.5-pro'].input_cost_per_token_above_200k_tokens = 2.6e-6;
    map['gpt-5.6'].cache_creation_input_token_cost_priority = 1.3e-5;
    map['us.anthropic.claude-sonnet-4-5-20250929-v1:0'].output_cost_per_token = 1.7e-5;
    const broken = compareLitellm(map, recorded.litellm.snapshot);
    const added = broken.differences.filter(
      (d) => !got.differences.some((g) => JSON.stringify(g) === JSON.stringify(d)),
    );
    expect(added.map((d) => [d.entry, d.unit, d.service_tier, d.min_context_tokens, d.book, d.ref])).toEqual([
      ['gpt-5.6', 'cache_write_5m', 'priority', null, '0.0000125', '0.000013'],
      ['gemini/gemini-2.5-pro', 'input', null, 200000, '0.0000025', '0.0000026'],
      ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'output', null, null, '0.0000165', '0.000017'],
    ]);
  });
});

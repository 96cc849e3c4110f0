// The peer gateway's own cost-calculator cases, ingested through the CLI: every case of BerriAI/litellm's tests below
// is one gateway-csv or LiteLLM SpendLogs row of fixtures/prices/litellm-cases/ (ORIGIN.md there lists the tests and
// the token counts), and its cost_estimate must equal the peer's expected cost. The expected values are the peer's
// formulas evaluated exactly (its rates: LiteLLM's price map at the snapshot the book cites, or the made-up
// `model_info` of the test, carried by rate-card.yaml). Equality is exact decimal equality, so within 1e-12.
//
// Peer tests (repository BerriAI/litellm):
//   U  tests/test_litellm/litellm_core_utils/llm_cost_calc/test_llm_cost_calc_utils.py
//   T  tests/test_litellm/litellm_core_utils/llm_cost_calc/test_threshold_cost_selection.py @ 6271e1e7bddf59a4a95200eb69fd4cb79f5ada09
//   W  tests/test_litellm/litellm_core_utils/llm_cost_calc/test_openai_cache_write_cost.py @ 1b338d3df9ebdebc46dc99d980b32b33e92b163e
//   I  tests/test_litellm/litellm_core_utils/llm_cost_calc/test_cache_cost_itemization.py @ a7aa206b0d91c386f257dc418d5febfba6432787
//   B  tests/test_litellm/llms/bedrock/chat/invoke_transformations/test_cache_token_billing.py @ 81736fe77a6b689b09509fca519e459c95807100
//   P  tests/test_litellm/llms/bedrock/test_cross_region_inference_profile_mapping.py @ 1505bad3e34e65fa9186a945f14bcd4412aeab89
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../../src/prices/decimal.js';
import { runCli } from '../helpers/cli.js';
import { fixture, scratchHomes } from '../helpers/home.js';

interface Case {
  /** request_id of the row in the fixtures */
  id: string;
  /** peer file (letter above) and test name */
  peer: string;
  /** the peer's expected cost, exact */
  expected: string;
}

// biome-ignore format: one case per line reads as a table
const CASES: Case[] = [
  // reasoning tokens are output tokens: o1 has no separate reasoning price. 17 x 15e-6 + 1578 x 60e-6
  { id: 'o1-reasoning', peer: 'U test_reasoning_tokens_no_price_set', expected: '0.094935' },
  // 17 x 3e-7 + 626 text x 2.5e-6 + 952 reasoning x 2.5e-6 (output_cost_per_reasoning_token = output price)
  { id: 'gemini-2.5-flash-reasoning', peer: 'U test_reasoning_tokens_gemini', expected: '0.0039501' },
  // long-context tier: 220e6 x 2.5e-6 + 150 x 1.5e-5 (the *_above_200k_tokens rates)
  { id: 'gemini-2.5-pro-above-200k', peer: 'U test_generic_cost_per_token_above_200k_tokens', expected: '550.00225' },
  // the highest crossed tier (128k, not 90k): 150000 x 9e-6 + 10 x 2e-6 (output has no tier)
  { id: 'highest-crossed-tier', peer: 'U test_get_token_base_cost_picks_highest_crossed_tier', expected: '1.35002' },
  // 5m and 1h writes: 56 x 3.75e-6 + 13999 x 6e-6 (claude-sonnet-4's rates, the test's arguments)
  { id: 'cache-write-5m-1h', peer: 'U test_calculate_cache_writing_cost', expected: '0.084204' },
  // flex: 1000 x 2.5e-8 + 500 x 2e-7; standard ('standard' = default tier): 1000 x 5e-8 + 500 x 4e-7
  { id: 'gpt-5-nano-flex', peer: 'U test_service_tier_flex_pricing', expected: '0.000125' },
  { id: 'gpt-5-nano-standard', peer: 'U test_service_tier_default_pricing', expected: '0.00025' },
  // a tier the model has no price for falls back to the standard price: 1000 x 3e-5 + 500 x 6e-5
  { id: 'gpt-4-flex-fallback', peer: 'U test_service_tier_fallback_pricing', expected: '0.06' },
  { id: 'gpt-4-priority-fallback', peer: 'U test_service_tier_fallback_pricing', expected: '0.06' },
  // us. profile of claude-sonnet-4-5 with caching: prompt 52123 of which 22465 read and 7183 written:
  // 22475 x 3.3e-6 + 7183 x 4.125e-6 + 22465 x 3.3e-7 + 497 x 1.65e-5 (peer: prompt 0.111 and completion 0.00820 rounded)
  { id: 'bedrock-sonnet-4-5-us-caching', peer: 'U test_bedrock_anthropic_prompt_caching', expected: '0.119411325' },
  // each cost type picks its own threshold: input below 128k (1e-6), output above 32k (18e-6). 40000 x 1e-6 + 1000 x 18e-6
  { id: 'thresholds-independent', peer: 'T test_cost_types_select_thresholds_independently', expected: '0.058' },
  // equal threshold (200k): the matching service tier wins; default and other tiers keep the standard 200k rate
  { id: 'equal-threshold-priority', peer: 'T test_equal_threshold_matching_tier_wins_for_output', expected: '0.2515' },
  { id: 'equal-threshold-default', peer: 'T test_equal_threshold_default_tier_keeps_standard', expected: '0.251' },
  { id: 'equal-threshold-wrong-tier', peer: 'T test_equal_threshold_wrong_tier_keeps_standard', expected: '0.251' },
  // a higher standard threshold (200k) governs over a lower matching-tier threshold (128k priority)
  { id: 'unequal-threshold-standard-wins', peer: 'T test_unequal_threshold_highest_standard_still_wins', expected: '0.251' },
  // a tier-qualified threshold without a standard sibling applies to its tier only
  { id: 'tier-only-threshold-priority', peer: 'T test_tier_qualified_threshold_field_selects_tier_for_matching_service_tier', expected: '0.2515' },
  { id: 'tier-only-threshold-default', peer: 'T test_tier_qualified_threshold_is_ignored_under_the_default_tier', expected: '0.252' },
  { id: 'tier-only-threshold-flex', peer: 'T test_tier_qualified_threshold_is_ignored_under_a_different_service_tier', expected: '0.252' },
  // OpenAI-shape cache writes (prompt_tokens_details.cache_write_tokens) at gpt-5.6's cache-creation rate:
  // 3 x 5e-6 + 12314 x 6.25e-6 + 5 x 3e-5; the same via cache_creation_tokens (the Responses route's name)
  { id: 'gpt-5.6-cache-write', peer: 'W test_openai_cache_write_tokens_billed_at_the_cache_creation_rate', expected: '0.0771275' },
  { id: 'gpt-5.6-cache-creation-tokens', peer: 'W test_responses_api_cache_write_costs_the_same_as_chat', expected: '0.0771275' },
  // tiered cache-creation rates (prompt 100000 or 300000, 1000 fresh, 100 completion at the tier's output rate)
  { id: 'gpt-5.6-cache-write-default', peer: 'W test_tiered_cache_creation_rates_are_registered_and_billed[None-100000]', expected: '0.62675' },
  { id: 'gpt-5.6-cache-write-priority', peer: 'W test_tiered_cache_creation_rates_are_registered_and_billed[priority-100000]', expected: '1.2535' },
  { id: 'gpt-5.6-cache-write-flex', peer: 'W test_tiered_cache_creation_rates_are_registered_and_billed[flex-100000]', expected: '0.313375' },
  { id: 'gpt-5.6-cache-write-above-272k', peer: 'W test_tiered_cache_creation_rates_are_registered_and_billed[None-300000]', expected: '3.752' },
  // OpenAI shape, read and write both present: 100 x 5e-6 + 16000 x 5e-7 + 26022 x 6.25e-6 + 50 x 3e-5
  { id: 'openai-shape-cache-itemization', peer: 'I test_openai_style_both_cache_costs_itemized', expected: '0.1726375' },
  // Bedrock invoke: cache tokens not charged twice. 3 x 3e-6 + 32392 x 3e-7 + 10 x 1.5e-5; 1000 x 3e-6 + 31562 x 3.75e-6 + 10 x 1.5e-5
  { id: 'bedrock-invoke-cache-read', peer: 'B test_cost_calculation_correct_with_cache_read', expected: '0.0098766' },
  { id: 'bedrock-invoke-cache-write', peer: 'B test_cost_calculation_correct_with_cache_creation', expected: '0.1215075' },
  // a regional (us.) inference profile behind LiteLLM's proxy prefix: 100 x 8e-7 + 50 x 4e-6
  { id: 'bedrock-proxy-haiku-us', peer: 'P test_proxy_cost_calculation_scenario', expected: '0.00028' },
];

const DIR = fixture('prices', 'litellm-cases');
const scratch = scratchHomes(afterAll);
let costs: Map<string, string | null>;
let ingestOut: string;

beforeAll(async () => {
  const home = scratch();
  const ing = await runCli([
    'ingest',
    `${DIR}/gateway.csv`,
    `${DIR}/spendlogs.csv`,
    '--rate-card',
    `${DIR}/rate-card.yaml`,
    '--data',
    home,
  ]);
  expect(ing.code, ing.stderr).toBe(0);
  ingestOut = ing.stdout + ing.stderr;
  const r = await runCli([
    'query',
    'SELECT request_id, source_id, cost_estimate::VARCHAR AS c FROM usage',
    '--data',
    home,
    '--format',
    'json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const rows = JSON.parse(r.stdout) as { request_id: string; source_id: string; c: string | null }[];
  costs = new Map(rows.map((x) => [x.request_id, x.c]));
});

describe("LiteLLM's cost-calculator cases", () => {
  it('covers at least 15 peer cases, each a stored row, from both gateway-csv and LiteLLM rows', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    expect([...costs.keys()].sort()).toEqual(CASES.map((c) => c.id).sort());
    expect(ingestOut).not.toContain('unpriced');
  });

  it.each(CASES)('$id equals the peer ($peer)', ({ id, expected }) => {
    const got = costs.get(id);
    expect(got, `${id} is unpriced`).not.toBeNull();
    expect(normalizeDecimal(got!)).toBe(normalizeDecimal(expected));
  });
});

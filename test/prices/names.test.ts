import { describe, expect, it } from 'vitest';
import { compareDecimal, isDecimalString, normalizeDecimal, shiftDecimal } from '../../src/prices/decimal.js';
import { bedrockIdVariants, cleanModelId, normalizeServiceTier } from '../../src/prices/names.js';

describe('decimal strings', () => {
  it('converts USD per 1M tokens to USD per token exactly', () => {
    expect(shiftDecimal('2.5', 6)).toBe('0.0000025');
    expect(shiftDecimal('0.0025', 6)).toBe('0.0000000025');
    expect(shiftDecimal('1500000', 6)).toBe('1.5');
    expect(shiftDecimal('15', 6)).toBe('0.000015');
    expect(shiftDecimal('0', 6)).toBe('0');
  });

  it('validates, normalizes and compares', () => {
    expect(['2.50', '0', '10', '0.000015'].every(isDecimalString)).toBe(true);
    expect(['2.5e-6', '-1', '.5', '1.', ' 1', '01'].some(isDecimalString)).toBe(false);
    expect(normalizeDecimal('2.500')).toBe('2.5');
    expect(normalizeDecimal('10.0')).toBe('10');
    expect(compareDecimal('0.30', '0.3')).toBe(0);
    expect(compareDecimal('3.75', '6')).toBe(-1);
    expect(compareDecimal('10', '9.999')).toBe(1);
  });
});

describe('model ids and tiers', () => {
  it('cleans raw model ids', () => {
    expect(cleanModelId(' OpenAI/GPT-4o ')).toBe('gpt-4o');
    expect(cleanModelId('bedrock/converse/us.anthropic.claude-sonnet-4-20250514-v1:0')).toBe(
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
    expect(cleanModelId('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(cleanModelId('meta-llama/Llama-3.3-70B')).toBe('meta-llama/llama-3.3-70b');
  });

  it('expands Bedrock ids to versionless and profile variants', () => {
    const variants = bedrockIdVariants('anthropic.claude-3-5-sonnet-20241022-v2:0');
    expect(variants).toContainEqual({ alias: 'anthropic.claude-3-5-sonnet-20241022', region: null });
    expect(variants).toContainEqual({ alias: 'anthropic.claude-3-5-sonnet-20241022-v2', region: null });
    expect(variants).toContainEqual({ alias: 'eu.anthropic.claude-3-5-sonnet-20241022-v2:0', region: 'eu' });
    expect(variants).toContainEqual({
      alias: 'global.anthropic.claude-3-5-sonnet-20241022',
      region: 'global',
    });
    expect(bedrockIdVariants('claude-sonnet-4-20250514')).toEqual([
      { alias: 'claude-sonnet-4-20250514', region: null },
    ]);
  });

  it('maps service tiers to priced tiers', () => {
    expect(
      ['batch', 'Priority', 'flex', 'default', 'standard', 'auto', null].map(normalizeServiceTier),
    ).toEqual(['batch', 'priority', 'flex', null, null, null, null]);
  });
});

// Unit economics divide a DECIMAL cost by a count exactly (BigInt), rounded once to 6 decimals, half away from zero:
// a JS number would lose digits past ~16 and round the binary value, not the decimal one.
import { describe, expect, it } from 'vitest';
import { perUnit } from '../../src/analysis/report/usage.js';

describe('perUnit', () => {
  it('rounds the exact quotient once, half away from zero', () => {
    expect(perUnit('10.000000000000000000', 3)).toBe('3.333333');
    expect(perUnit('2', 3)).toBe('0.666667');
    expect(perUnit('0.0000005', 1)).toBe('0.000001');
    expect(perUnit('-0.0000005', 1)).toBe('-0.000001');
    expect(perUnit('-1', 3)).toBe('-0.333333');
    // per 1K tokens: 0.069 over 23,000 tokens is 0.003 per 1K
    expect(perUnit('0.069', 23_000, 1000)).toBe('0.003000');
  });

  it('keeps every digit of a large total (a double would not)', () => {
    expect(perUnit('100000000000000000000.000000000000000000', 3)).toBe('33333333333333333333.333333');
    expect(perUnit('1.0000015', 1)).toBe('1.000002');
  });

  it('is null when there is nothing to divide by', () => {
    expect(perUnit('5', 0)).toBeNull();
  });
});

// The table number formats: money to the ISO 4217 minor unit with its code, grouped counts, percentages.
import { describe, expect, it } from 'vitest';
import {
  count,
  group,
  minorUnit,
  money,
  percent,
  quantity,
  roundDecimal,
  trimDecimal,
  unitPrice,
} from '../../src/report/format.js';

describe('minor units (focus-schemas/iso4217.json)', () => {
  it('knows the currencies that are not 2 digits, and has none for metals and non-ISO codes', () => {
    expect(minorUnit('USD')).toBe(2);
    expect(minorUnit('EUR')).toBe(2);
    expect(minorUnit('JPY')).toBe(0);
    expect(minorUnit('KRW')).toBe(0);
    expect(minorUnit('KWD')).toBe(3);
    expect(minorUnit('CLF')).toBe(4);
    expect(minorUnit('XAU')).toBeNull();
    expect(minorUnit('Credits')).toBeNull();
  });
});

describe('roundDecimal', () => {
  it('rounds half away from zero, exactly, beyond what a double holds', () => {
    expect(roundDecimal('1.005', 2)).toBe('1.01');
    expect(roundDecimal('-1.005', 2)).toBe('-1.01');
    expect(roundDecimal('1.004999999999999999', 2)).toBe('1.00');
    expect(roundDecimal('123456789012345678901.995', 2)).toBe('123456789012345678902.00');
    expect(roundDecimal('9.5', 0)).toBe('10');
    expect(roundDecimal('2', 3)).toBe('2.000');
    expect(roundDecimal('-0.004', 2)).toBe('0.00');
  });

  it('trims and groups', () => {
    expect(trimDecimal('2.500')).toBe('2.5');
    expect(trimDecimal('10.000')).toBe('10');
    expect(group('1234567.891')).toBe('1,234,567.891');
    expect(group('-1000')).toBe('-1,000');
    expect(group('999')).toBe('999');
    expect(group('n/a')).toBe('n/a');
  });
});

describe('money', () => {
  it('rounds to the minor unit and names the currency', () => {
    expect(money('1234.567890000000000000', 'USD')).toBe('1,234.57 USD');
    expect(money('1234.5', 'JPY')).toBe('1,235 JPY');
    expect(money('1.2345', 'KWD')).toBe('1.235 KWD');
    expect(money('0', 'EUR')).toBe('0.00 EUR');
    expect(money(-12.5, 'USD')).toBe('-12.50 USD');
  });

  it('says when a non-zero amount rounds away', () => {
    expect(money('0.000253', 'USD')).toBe('<0.01 USD');
    expect(money('-0.000253', 'USD')).toBe('>-0.01 USD');
    expect(money('0.4', 'JPY')).toBe('<1 JPY');
  });

  it('without a currency: 2 digits, no code; a unit without minor unit keeps its digits', () => {
    expect(money('16.893727083333333333')).toBe('16.89');
    expect(money('100000.125', 'Credits')).toBe('100,000.125 Credits');
    expect(money(null, 'USD')).toBe('');
  });

  it('unit prices keep fractions of a cent', () => {
    expect(unitPrice('0.000253000000000000', 'USD')).toBe('0.000253 USD');
    expect(unitPrice('3.1', 'USD')).toBe('3.10 USD');
    expect(unitPrice('0.00000012', null)).toBe('0.00');
    expect(unitPrice('1234.5678912', null)).toBe('1,234.567891');
  });
});

describe('counts and shares', () => {
  it('groups counts exactly, BIGINT strings included', () => {
    expect(count('1234567')).toBe('1,234,567');
    expect(count('9007199254740993123')).toBe('9,007,199,254,740,993,123');
    expect(count(42)).toBe('42');
    expect(count('12.500000')).toBe('12.5');
    expect(count(null)).toBe('');
    expect(quantity('100000', 'Credit')).toBe('100,000 Credit');
  });

  it('percentages', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(null)).toBe('');
    expect(percent(0.5, 0)).toBe('50%');
  });
});

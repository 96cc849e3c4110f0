// Number formats and escaping of the HTML report (src/report/html/format.ts): locale-free and exact on decimals.
import { describe, expect, it } from 'vitest';
import {
  count,
  decimal,
  esc,
  jsonInScript,
  money,
  percent,
  signedMoney,
  signedPercent,
} from '../../src/report/html/format.js';

describe('decimal and money', () => {
  it('rounds half away from zero on the digits, not through a float', () => {
    expect(decimal('1.005')).toBe('1.01');
    expect(decimal('1.004999999999999999')).toBe('1.00');
    expect(decimal('999.995')).toBe('1,000.00');
    expect(decimal('-2.345')).toBe('-2.35');
    expect(decimal('-0.004')).toBe('0.00');
    expect(decimal('1234567.891')).toBe('1,234,567.89');
    expect(decimal('12')).toBe('12.00');
    expect(decimal('0.00934', 4)).toBe('0.0093');
  });

  it('adds the currency code and a sign for changes', () => {
    expect(money('12376.7354', 'USD')).toBe('12,376.74 USD');
    expect(money(null, 'USD')).toBe('-');
    expect(signedMoney('1607.7412', 'USD')).toBe('+1,607.74 USD');
    expect(signedMoney('-184.7466', 'USD')).toBe('-184.75 USD');
    expect(signedMoney('0.001', 'USD')).toBe('0.00 USD');
  });
});

describe('counts and percentages', () => {
  it('separates thousands and rounds shares to one decimal', () => {
    expect(count(2105448210)).toBe('2,105,448,210');
    expect(count(999)).toBe('999');
    expect(percent(0.3412)).toBe('34.1%');
    expect(signedPercent(0.1493)).toBe('+14.9%');
    expect(signedPercent(-0.0635)).toBe('-6.4%');
    expect(percent(null)).toBe('-');
  });
});

describe('escaping', () => {
  it('escapes text and keeps JSON from ending its script element', () => {
    expect(esc(`<a href="x">R&D's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;');
    const v = { s: '</script><!-- & \u2028' };
    const text = jsonInScript(v);
    expect(text).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(text)).toEqual(v);
  });
});

// The Requirements Model as data: the parser of the rendered check syntax, the rule tree, and the overrides.
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/focus/rule-parser.js';
import { checkFunctionOf } from '../../src/focus/rule-syntax.js';
import { loadRules, ruleLevel } from '../../src/focus/rules.js';

describe('parseExpr', () => {
  it('parses references, logic and comparisons', () => {
    expect(parseExpr('AND(@CAU-X-C-001-M, OR(A == "Usage", B != null))')).toEqual({
      kind: 'and',
      items: [
        { kind: 'ref', id: 'CAU-X-C-001-M' },
        {
          kind: 'or',
          items: [
            {
              kind: 'cmp',
              op: '==',
              left: { kind: 'column', name: 'A' },
              right: { kind: 'string', value: 'Usage' },
            },
            { kind: 'cmp', op: '!=', left: { kind: 'column', name: 'B' }, right: { kind: 'null' } },
          ],
        },
      ],
    });
  });

  it('parses products, numbers, distinct counts and column functions', () => {
    expect(parseExpr('ListUnitPrice * PricingQuantity == ListCost')).toEqual({
      kind: 'cmp',
      op: '==',
      left: { kind: 'product', left: 'ListUnitPrice', right: 'PricingQuantity' },
      right: { kind: 'column', name: 'ListCost' },
    });
    expect(parseExpr('ListUnitPrice >= 0')).toMatchObject({ right: { kind: 'number', value: '0' } });
    expect(parseExpr('distinct_count(SkuPriceId per SkuId) == 1')).toEqual({
      kind: 'distinct',
      column: 'SkuPriceId',
      per: 'SkuId',
      count: 1,
    });
    expect(parseExpr('TypeString(X)')).toEqual({ kind: 'call', fn: 'TypeString', args: ['X'] });
    expect(parseExpr('present(Tags)')).toEqual({ kind: 'call', fn: 'present', args: ['Tags'] });
  });

  it('parses JSON-argument functions, with braces and commas inside strings', () => {
    expect(
      parseExpr(
        'JSONCheckPathKeyStartsWith{"ColumnName":"C","Path":"$.E[*]","Prefix":"x_","IgnoreKeys":["a,}b"]}',
      ),
    ).toEqual({
      kind: 'json',
      fn: 'JSONCheckPathKeyStartsWith',
      args: { ColumnName: 'C', Path: '$.E[*]', Prefix: 'x_', IgnoreKeys: ['a,}b'] },
    });
    expect(parseExpr('INVALID{"AND":{"CheckFunction":"CheckValue"}}')).toMatchObject({ kind: 'invalid' });
  });

  it('rejects malformed input', () => {
    expect(() => parseExpr('AND(A == "x"')).toThrow();
    expect(() => parseExpr('A ==')).toThrow();
    expect(() => parseExpr('A == "x" extra')).toThrow();
  });
});

describe('loadRules', () => {
  it('parses every rule of both versions, leaving no INVALID tree after the overrides', () => {
    for (const version of ['1.2', '1.3'] as const) {
      const { rules } = loadRules(version);
      expect(rules.size).toBe(version === '1.3' ? 933 : 621);
      const invalid = [...rules.values()].filter(
        (r) => r.check?.kind === 'invalid' || r.condition?.kind === 'invalid',
      );
      expect(invalid.map((r) => r.id)).toEqual([]);
    }
  });

  it('roots the 1.3 Cost and Usage tree at CAU-CostAndUsage-D-000-M', () => {
    expect(loadRules('1.3').roots).toContain('CAU-CostAndUsage-D-000-M');
    expect(loadRules('1.2').roots).toContain('CostAndUsage-D-000-M');
  });

  it('keeps MUST rules, warns on SHOULD, drops MAY and Removed, keeps deprecated ProviderName/PublisherName', () => {
    const { rules } = loadRules('1.3');
    const level = (id: string) => ruleLevel(rules.get(id) as never);
    expect(level('CAU-BilledCost-C-003-M')).toBe('must');
    expect(level('CAU-ChargeDescription-C-003-O')).toBe('should');
    expect(level('CAU-ListUnitPrice-C-006-O')).toBeNull(); // MAY
    expect(level('CAU-ListCost-C-009-C')).toBeNull(); // Removed
    expect(rules.get('CAU-ProviderName-C-003-M')?.status).toBe('Deprecated');
    expect(level('CAU-ProviderName-C-003-M')).toBe('must');
  });

  it('applies the documented overrides, keeping the rule ids', () => {
    const { rules } = loadRules('1.3');
    const status = rules.get('CAU-CommitmentDiscountStatus-C-005-M');
    expect(status?.checkText).toBe(
      'OR(CommitmentDiscountStatus == "Used", CommitmentDiscountStatus == "Unused")',
    );
    expect(status?.overridden).toMatch(/FOCUS errata .*Used/);
    expect(rules.get('CAU-CapacityReservationStatus-C-004-C')?.conditionText).toBe(
      'AND(CapacityReservationId != null, ChargeCategory == "Usage")',
    );
    expect(rules.get('CAU-ConsumedQuantity-C-006-C')?.conditionText).toBe('ChargeClass != "Correction"');
    expect(rules.get('CAU-PricingCurrency-C-004-M')?.overridden).toMatch(/not nullable/);
    expect(rules.get('CAU-PricingCurrencyEffectiveCost-C-003-M')?.overridden).toMatch(/not nullable/);
    expect(rules.get('CAU-ContractAppliedObject-O-030-M')?.checkText).toContain(
      '$.Elements[*].ContractCommitmentId',
    );
    expect(rules.get('CAU-ListCost-C-011-C')?.overridden).toMatch(/tolerance/);
    expect(rules.get('CAU-BillingCurrency-C-002-M')?.overridden).toMatch(/Unicode/);
    expect(rules.get('CAU-BilledCost-C-002-M')?.overridden).toMatch(/"\+"/);
    expect(rules.get('NullHandling-A-002-M')).toMatchObject({
      type: 'Static',
      check: { fn: 'NoNullPlaceholders' },
    });
  });

  it('names the check function of a rule in the model vocabulary', () => {
    const { rules } = loadRules('1.3');
    expect(checkFunctionOf(rules.get('CAU-ListCost-C-011-C')?.check ?? null)).toBe(
      'ColumnByColumnEqualsColumnValue',
    );
    expect(checkFunctionOf(rules.get('CAU-SkuPriceId-C-008-M')?.check ?? null)).toBe('CheckDistinctCount');
    expect(checkFunctionOf(rules.get('CAU-ListUnitPrice-C-008-M')?.check ?? null)).toBe(
      'CheckGreaterOrEqualThanValue',
    );
  });
});

// Explicit, documented departures from the Requirements Model as published: the FOCUS errata and known model defects
// plus the defects found while testing (docs/validation.md#rule-overrides). Each keeps the rule id and says why in
// `overridden`; the reasons are shown to users, so they name public sources only.
import { parseExpr as parse } from './rule-parser.js';
import type { Expr, FocusRule } from './rule-syntax.js';
import type { FocusVersion } from './schema.js';

interface RuleOverride {
  /** Rule id without the 1.3 dataset prefix (`CommitmentDiscountStatus-C-005-M` matches `CAU-…` too). */
  id: string;
  versions: FocusVersion[];
  check?: string;
  condition?: string;
  type?: 'Static' | 'Dynamic';
  reason: string;
}

const BOTH: FocusVersion[] = ['1.2', '1.3'];

export const RULE_OVERRIDES: RuleOverride[] = [
  {
    id: 'CommitmentDiscountStatus-C-005-M',
    versions: BOTH,
    check: 'OR(CommitmentDiscountStatus == "Used", CommitmentDiscountStatus == "Unused")',
    reason:
      'FOCUS errata 1.2 D#3 / 1.3 D#11: the model lists Active/Expired/Pending, which are not the column\'s values; the spec allows "Used" and "Unused"',
  },
  {
    id: 'CommitmentDiscountStatus-C-003-C',
    versions: ['1.3'],
    check: 'CommitmentDiscountStatus == null',
    reason:
      'model check renders as "!= null" but the requirement is "MUST be null when CommitmentDiscountId is null"',
  },
  {
    id: 'CommitmentDiscountStatus-C-004-C',
    versions: BOTH,
    condition: 'AND(CommitmentDiscountId != null, ChargeCategory == "Usage")',
    reason:
      'model condition is "CommitmentDiscountId == null"; the requirement applies when CommitmentDiscountId is not null and ChargeCategory is "Usage"',
  },
  {
    id: 'CapacityReservationStatus-C-003-C',
    versions: BOTH,
    condition: 'CapacityReservationId == null',
    reason: 'the model condition is malformed (INVALID, no CheckFunction); rebuilt from the requirement',
  },
  {
    id: 'CapacityReservationStatus-C-004-C',
    versions: BOTH,
    condition: 'AND(CapacityReservationId != null, ChargeCategory == "Usage")',
    reason: 'the model condition is malformed (INVALID, no CheckFunction); rebuilt from the requirement',
  },
  {
    id: 'PricingCurrency-C-004-M',
    versions: BOTH,
    check: 'PricingCurrency != null',
    reason:
      'FOCUS errata 1.3 A#9/A#10: PricingCurrency is not nullable, although the column table says nullable',
  },
  {
    id: 'PricingCurrencyEffectiveCost-C-003-M',
    versions: BOTH,
    check: 'PricingCurrencyEffectiveCost != null',
    reason:
      'FOCUS errata 1.3 A#9/A#10: PricingCurrencyEffectiveCost is not nullable, although the column table says nullable',
  },
  {
    id: 'PricingCurrencyEffectiveCost-C-004-M',
    versions: BOTH,
    check: 'CheckDecimalValue(PricingCurrencyEffectiveCost)',
    reason:
      'model check tests "PricingCurrencyListUnitPrice >= 0" (wrong column); the requirement is a valid decimal PricingCurrencyEffectiveCost',
  },
  {
    id: 'PricingCurrencyContractedUnitPrice-C-012-C',
    versions: ['1.3'],
    condition: 'SkuPriceId != null',
    reason: 'model condition is "SkuPriceId == null"; the requirement applies when SkuPriceId is not null',
  },
  {
    id: 'ResourceId-C-006-C',
    versions: BOTH,
    condition: 'ResourceId != null',
    reason:
      'model condition names a column "None" (wrong argument name); the requirement applies when ResourceId is not null',
  },
  {
    id: 'ResourceType-C-005-C',
    versions: ['1.3'],
    condition: 'ResourceId != null',
    reason:
      'FOCUS errata 1.2 D#1: the model condition names a column "None"; the requirement is "when ResourceId is not null"',
  },
  {
    id: 'ConsumedQuantity-C-006-C',
    versions: BOTH,
    condition: 'ChargeClass != "Correction"',
    reason:
      'model condition is \'ChargeClass == "Correction"\'; the requirement applies when ChargeClass is not "Correction"',
  },
  {
    id: 'InvoiceId-C-004-C',
    versions: ['1.2'],
    type: 'Dynamic',
    reason:
      'the 1.2 model renders this as a static, unconditional "InvoiceId == null"; whether a charge is invoiced is not in the data (Dynamic in 1.3)',
  },
  {
    id: 'InvoiceId-C-005-C',
    versions: ['1.2'],
    type: 'Dynamic',
    reason:
      'the 1.2 model renders this as a static, unconditional "InvoiceId != null"; whether a charge is invoiced is not in the data (Dynamic in 1.3)',
  },
  {
    id: 'BilledCost-C-005-C',
    versions: ['1.2'],
    type: 'Dynamic',
    reason:
      'the 1.2 model reads "payments received by a third party" as ProviderName != InvoiceIssuerName, which also holds for ' +
      'every resold or marketplace-invoiced charge that is billed normally; who receives the payment is not in the data ' +
      '(FOCUS 1.3 makes this rule Dynamic)',
  },
  ...['ContractAppliedObject-O-048-M', 'ContractAppliedObject-O-057-M'].map((id) => {
    const key = id.endsWith('048-M') ? 'ContractCommitmentAppliedCost' : 'ContractCommitmentAppliedQuantity';
    return {
      id,
      versions: ['1.3'] as FocusVersion[],
      check: `JSONCheckPathDecimalValue{"ColumnName":"ContractApplied","Path":"$.Elements[*].${key}"}`,
      reason:
        `model check is "${key} != null" on every element, which fails every element that legitimately omits the key ` +
        '(a spend commitment has no applied quantity); "a valid decimal value" is checked where the key has a value, ' +
        'and a null value is judged by the nullability rules',
    };
  }),
  {
    id: 'Tags-C-003-C',
    versions: BOTH,
    condition: 'Tags != null',
    reason: 'model condition is "Tags == null"; the requirement applies "when Tags is not null"',
  },
];

/** Tolerance of the ColumnByColumnEqualsColumnValue (A × B = C) checks: |A×B − C| ≤ ABS + REL·|C|, in DOUBLE. */
export const PRODUCT_TOLERANCE = { abs: 1e-10, rel: 1e-12 } as const;

/** Check functions aicost evaluates differently from the reference validator, and why. */
export const FUNCTION_OVERRIDES: Record<string, string> = {
  ColumnByColumnEqualsColumnValue:
    `A × B = C is checked with tolerance |A×B − C| ≤ ${PRODUCT_TOLERANCE.abs} + ${PRODUCT_TOLERANCE.rel}·|C|, factors cast to DOUBLE ` +
    '(DECIMAL(38,18) × DECIMAL(38,18) overflows past 99; 1e-10 admits providers rounding to 10 decimals; DOUBLE error is far below it)',
  FormatString:
    'StringHandling is checked as valid Unicode (no U+FFFD replacement or NUL characters), not ASCII-only',
  FormatNumeric:
    'NumericFormat rejects a leading "+" and a "+" exponent sign, which the reference validator allows',
};

/** The static check aicost adds for NullHandling's "no empty strings or placeholder values" (Dynamic in the model). */
export const NULL_PLACEHOLDER_RULE = 'NullHandling-A-002-M';
export const NULL_PLACEHOLDERS = ['NULL', 'null', 'N/A', 'n/a', 'Not Applicable'];
/** The static check aicost adds for ColumnHandling's "custom columns MUST be prefixed x_" (Dynamic in the model). */
export const CUSTOM_COLUMN_RULE = 'ColumnHandling-A-010-M';

/** Applies the overrides of `version` to one parsed rule. */
export function applyOverrides(version: FocusVersion, rule: FocusRule): FocusRule {
  const reasons: string[] = [];
  let out = rule;
  const base = rule.id.replace(/^CAU-/, '');
  for (const o of RULE_OVERRIDES) {
    if (o.id !== base || !o.versions.includes(version)) continue;
    out = {
      ...out,
      ...(o.check ? { check: parse(o.check), checkText: o.check } : {}),
      ...(o.condition ? { condition: parse(o.condition), conditionText: o.condition } : {}),
      ...(o.type ? { type: o.type } : {}),
    };
    reasons.push(o.reason);
  }
  if (
    rule.entity === 'ContractAppliedObject' &&
    /ContractCommitmentID/.test(rule.checkText + rule.conditionText)
  ) {
    // The 1.3 model mixes ContractCommitmentID and ContractCommitmentId; the FOCUS 1.3 errata say `…Id`.
    const fix = (s: string) =>
      s
        .replaceAll('ContractCommitmentID', 'ContractCommitmentId')
        // The custom-key rules' IgnoreKeys list every defined key but ContractId, which is defined too.
        .replace('"IgnoreKeys":["ContractCommitmentId"', '"IgnoreKeys":["ContractId","ContractCommitmentId"');
    out = {
      ...out,
      check: out.checkText ? parse(fix(out.checkText)) : null,
      condition: out.conditionText ? parse(fix(out.conditionText)) : null,
      checkText: fix(out.checkText),
      conditionText: fix(out.conditionText),
    };
    reasons.push(
      'FOCUS errata 1.3: ContractApplied key "ContractCommitmentID" read as "ContractCommitmentId"',
    );
    if (rule.checkText.includes('"IgnoreKeys"')) {
      reasons.push('"ContractId" added to IgnoreKeys: it is a defined key of the object, not a custom one');
    }
  }
  if (base === NULL_PLACEHOLDER_RULE) {
    out = { ...out, type: 'Static', check: { kind: 'call', fn: 'NoNullPlaceholders', args: [] } };
    reasons.push(
      `aicost checks this statically: string cells holding ${NULL_PLACEHOLDERS.map((p) => `"${p}"`).join(', ')}, ` +
        'an empty or an all-blank string instead of NULL',
    );
  }
  if (base === CUSTOM_COLUMN_RULE) {
    out = { ...out, type: 'Static', check: { kind: 'call', fn: 'CustomColumnsPrefixed', args: [] } };
    reasons.push(
      'aicost checks this statically: every column that is not a FOCUS column of the version must start with "x_"',
    );
  }
  for (const fn of functionsIn(out.check)) {
    const why = FUNCTION_OVERRIDES[fn];
    if (why) reasons.push(why);
  }
  return reasons.length ? { ...out, overridden: reasons.join('; ') } : out;
}

function functionsIn(e: Expr | null): string[] {
  if (!e) return [];
  if (e.kind === 'and' || e.kind === 'or') return [...new Set(e.items.flatMap(functionsIn))];
  if (e.kind === 'call' || e.kind === 'json') return [e.fn];
  if (e.kind === 'cmp' && e.left.kind === 'product') return ['ColumnByColumnEqualsColumnValue'];
  return [];
}

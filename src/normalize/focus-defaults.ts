// Values FOCUS derives from other columns when a source does not supply them (docs/data-model.md#focus-columns): deprecated-but-
// mandatory names filled beside their 1.3 successors, PricingCurrency* equal to the billing-currency values, and
// the billing period as the UTC month of the charge. Each entry lists the columns it reads; applied in order.
export const FOCUS_DEFAULTS: { column: string; from: string[]; sql: string }[] = [
  { column: 'ServiceProviderName', from: ['ProviderName'], sql: '"ProviderName"' },
  { column: 'ProviderName', from: ['ServiceProviderName'], sql: '"ServiceProviderName"' },
  { column: 'PublisherName', from: ['ServiceProviderName'], sql: '"ServiceProviderName"' },
  { column: 'HostProviderName', from: ['ServiceProviderName'], sql: '"ServiceProviderName"' },
  { column: 'InvoiceIssuerName', from: ['ServiceProviderName'], sql: '"ServiceProviderName"' },
  {
    column: 'BillingPeriodStart',
    from: ['ChargePeriodStart'],
    sql: `date_trunc('month', "ChargePeriodStart")`,
  },
  {
    column: 'BillingPeriodEnd',
    from: ['ChargePeriodStart'],
    sql: `date_trunc('month', "ChargePeriodStart") + INTERVAL 1 MONTH`,
  },
  { column: 'PricingCurrency', from: ['BillingCurrency'], sql: '"BillingCurrency"' },
  { column: 'PricingCurrencyEffectiveCost', from: ['EffectiveCost'], sql: '"EffectiveCost"' },
  { column: 'PricingCurrencyListUnitPrice', from: ['ListUnitPrice'], sql: '"ListUnitPrice"' },
  {
    column: 'PricingCurrencyContractedUnitPrice',
    from: ['ContractedUnitPrice'],
    sql: '"ContractedUnitPrice"',
  },
  { column: 'ContractedCost', from: ['ListCost'], sql: '"ListCost"' },
];

/**
 * The column -> SQL map for the second projection layer: provided columns pass through, missing ones take their
 * default when its inputs are available (transitively), everything else is NULL.
 */
export function resolveDefaults(provided: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const have = new Set(provided);
  for (const c of have) out[c] = `"${c}"`;
  // two passes resolve the chains (ProviderName -> ServiceProviderName -> HostProviderName)
  for (let pass = 0; pass < 2; pass++) {
    for (const d of FOCUS_DEFAULTS) {
      if (have.has(d.column)) continue;
      if (d.from.every((f) => have.has(f))) {
        out[d.column] = d.from.reduce((sql, f) => sql.replaceAll(`"${f}"`, `(${out[f]})`), d.sql);
        have.add(d.column);
      }
    }
  }
  return out;
}

/** The columns a source providing `provided` ends up with: its own plus every default derivable from them. */
export function coveredByDefaults(provided: Set<string>): Set<string> {
  return new Set(Object.keys(resolveDefaults(provided)));
}

// `aicost gpu` (analysis/gpu/summary.ts) as tables or JSON: one line per cluster, then per cluster and comparable
// API model what the same tokens would cost at list price. Pure: no SQL, figures formatted by report/format.ts.
import type { GpuReport } from '../analysis/gpu/summary.js';
import { count, money, percent, trimDecimal, unitPrice } from './format.js';
import { renderTable } from './table.js';

const hours = (v: string | null) => (v === null ? '' : count(trimDecimal(v)));
const share = (v: string | null) => (v === null ? 'no telemetry' : percent(Number(v)));

export function gpuTable(r: GpuReport): string {
  const title = `GPU clusters${r.from || r.to ? ` (${r.from ?? '…'} to ${r.to ?? '…'})` : ''}`;
  if (r.clusters.length === 0) return `${title}\nNo GPU clusters configured.`;
  const rows = r.clusters.map((c) => [
    c.cluster,
    c.from && c.to ? `${c.from} to ${c.to}` : 'no charges',
    hours(c.reservedGpuHours),
    share(c.utilization),
    money(c.cost, c.currency),
    c.idleCost === null ? '' : money(c.idleCost, c.currency),
    count(c.tokens),
    c.costPer1MTokens === null ? '' : unitPrice(c.costPer1MTokens, c.currency),
  ]);
  const main = renderTable(
    ['cluster', 'span', 'reserved GPU-h', 'utilization', 'cost', 'idle cost', 'tokens served', 'cost per 1M'],
    rows,
    { title },
  );
  const cmp = r.clusters.flatMap((c) =>
    c.comparisons.map((m) => [
      c.cluster,
      m.model,
      c.costPer1MTokens === null ? '' : unitPrice(c.costPer1MTokens, c.currency),
      m.apiCostPer1MTokens === null
        ? `unpriced (${m.unpricedClasses.join(', ')})`
        : unitPrice(m.apiCostPer1MTokens, 'USD'),
      m.apiCost === null ? '' : money(m.apiCost, 'USD'),
    ]),
  );
  if (cmp.length === 0) return main;
  return `${main}\n\n${renderTable(['cluster', 'API model', 'self-hosted per 1M', 'API per 1M', 'API cost of the same tokens'], cmp, { title: 'Against API prices (price book list prices)' })}`;
}

/** The report as JSON with exact decimal strings (schema aicost.gpu/1). */
export function gpuJson(r: GpuReport): string {
  return JSON.stringify(r, null, 2);
}

// Anomalies as a terminal table (the JSON is the report model itself: analysis/anomalies/types.ts). Money rounds to
// the anomaly's currency here only; the JSON keeps the exact figures.
import type { AnomalyReport } from '../analysis/anomalies/types.js';
import { money, percent, trimDecimal } from './format.js';
import { renderTable } from './table.js';

export function anomaliesTable(r: AnomalyReport): string {
  const title = `Anomalies ${r.since} .. ${r.until}${r.by ? ` by ${r.by}` : ''}${r.currency ? ` in ${r.currency}` : ''}`;
  const notes = [
    ...r.notes,
    ...(r.insufficientHistory.length ? [`too little history for: ${r.insufficientHistory.join(', ')}`] : []),
  ];
  if (r.anomalies.length === 0) return [title, 'No anomalies.', ...notes].join('\n');
  // gpu-utilization findings are measured ratios and idle GPU-hours, not money (types.ts)
  const gpu = (a: AnomalyReport['anomalies'][number]) => a.kind === 'gpu-utilization';
  const rows = r.anomalies.map((a) => [
    a.kind,
    a.key ?? 'total',
    a.day,
    gpu(a) ? percent(Number(a.actual)) : money(a.actual, a.currency),
    gpu(a) ? `< ${percent(Number(a.baseline), 0)}` : money(a.baseline, a.currency),
    gpu(a) ? `${trimDecimal(a.impact)} GPU-h idle` : money(a.impact, a.currency),
    a.basis,
    a.driver
      ? `${a.driver} (${a.drivers
          .slice(0, 3)
          .map((d) => `${d.factor} ${Math.round(d.share * 100)}%`)
          .join(', ')})`
      : '-',
  ]);
  return [
    renderTable(['kind', 'key', 'day', 'actual', 'baseline', 'impact', 'basis', 'driver (shares)'], rows, {
      title,
    }),
    ...notes,
  ].join('\n');
}

// Anomalies as a terminal table (the JSON is the report model itself: analysis/anomalies/types.ts).
import type { AnomalyReport } from '../analysis/anomalies/types.js';
import { renderTable } from './table.js';

const money = (v: string) => Number(v).toFixed(2);

export function anomaliesTable(r: AnomalyReport): string {
  const title = `Anomalies ${r.since} .. ${r.until}${r.by ? ` by ${r.by}` : ''}`;
  const notes = [
    ...r.notes,
    ...(r.insufficientHistory.length ? [`too little history for: ${r.insufficientHistory.join(', ')}`] : []),
  ];
  if (r.anomalies.length === 0) return [title, 'No anomalies.', ...notes].join('\n');
  const rows = r.anomalies.map((a) => [
    a.kind,
    a.key ?? 'total',
    a.day,
    money(a.actual),
    money(a.baseline),
    `${money(a.impact)} ${a.currency ?? ''}`.trim(),
    a.basis,
    a.driver
      ? `${a.driver} (${a.drivers
          .slice(0, 3)
          .map((d) => `${d.factor} ${Math.round(d.share * 100)}%`)
          .join(', ')})`
      : '-',
  ]);
  return [
    title,
    renderTable(['kind', 'key', 'day', 'actual', 'baseline', 'impact', 'basis', 'driver (shares)'], rows),
    ...notes,
  ].join('\n');
}

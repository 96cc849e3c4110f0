// Documentation generated from the declarative tables, so it is written once: the README's sources table and its
// source × column coverage table (`npm run docs` writes them; test/docs.test.ts fails when the README is stale).
import { FOCUS_MANDATORY_IDS } from './focus/columns.generated.js';
import { coveredByDefaults } from './normalize/focus-defaults.js';
import { listSources } from './report/sources.js';
import { TOKEN_CLASSES } from './usage/schema.js';

export async function sourcesMarkdown(): Promise<string> {
  const rows = await listSources();
  const lines = ['| id | family | writes to | formats | detects |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.id}\` | ${r.family} | \`${r.dataset}/\` | ${r.formats} | ${r.detects.replaceAll('|', '\\|')} |`,
    );
  return lines.join('\n');
}

/** The usage/ columns the coverage table shows: what a request is, its tokens, its keys and the gateway's cost. */
export const COVERAGE_USAGE_COLUMNS = [
  'grain',
  'request_id',
  'trace_id',
  'timestamp',
  'provider',
  'model_raw',
  'operation',
  ...TOKEN_CLASSES,
  'project_id',
  'workspace_id',
  'api_key_hash',
  'service_tier',
  'request_count',
  'request_type',
  'status',
  'latency_ms',
  'source_cost',
  'tags',
] as const;

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (n: number) => [...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join('');

/**
 * Which source fills which column: the FOCUS 1.3 Mandatory columns (for sources writing focus/) and the main usage
 * columns (for sources writing usage/), one column per source in registry order. `✓` mapped by the definition, `d`
 * filled by a FOCUS default from another mapped column (normalize/focus-defaults.ts), `–` declared absent (the
 * reason is a numbered note below the table), blank: not filled.
 */
export async function coverageMarkdown(): Promise<string> {
  const { SOURCES } = await import('./sources/index.js');
  const reasons: string[] = [];
  const note = (reason: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
    return superscript(reasons.indexOf(reason) + 1);
  };
  const cell = (s: (typeof SOURCES)[number], dataset: 'focus' | 'usage', column: string): string => {
    if (s.dataset !== dataset) return '';
    const mapped = new Set(Object.keys(s.map));
    if (mapped.has(column)) return '✓';
    if (s.dataset !== 'focus') return '';
    if (coveredByDefaults(mapped).has(column)) return 'd';
    const why = (s.absent as Record<string, string> | undefined)?.[column];
    return why ? `–${note(why)}` : '';
  };
  const lines = [
    `| dataset | column | ${SOURCES.map((s) => `\`${s.id}\``).join(' | ')} |`,
    `|---|---|${SOURCES.map(() => ':-:|').join('')}`,
  ];
  const row = (dataset: 'focus' | 'usage', column: string) =>
    lines.push(
      `| \`${dataset}/\` | ${column} | ${SOURCES.map((s) => cell(s, dataset, column)).join(' | ')} |`,
    );
  for (const c of FOCUS_MANDATORY_IDS) row('focus', c);
  for (const c of COVERAGE_USAGE_COLUMNS) row('usage', c);
  const withMapFor = SOURCES.filter((s) => s.mapFor).map((s) => `\`${s.id}\``);
  return [
    '`✓` mapped, `d` FOCUS default from another mapped column (`src/normalize/focus-defaults.ts`), `–` absent',
    '(reason below), blank: not filled. FOCUS rows are the 1.3 Mandatory columns.',
    '',
    ...lines,
    '',
    ...reasons.map((r, i) => `${superscript(i + 1)} ${r}.${i < reasons.length - 1 ? '<br>' : ''}`),
    ...(withMapFor.length
      ? [
          '',
          `Columns a definition maps only for some files (\`mapFor\`) are not shown: ${withMapFor.join(', ')}.`,
        ]
      : []),
  ].join('\n');
}

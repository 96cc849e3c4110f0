// The sources listing: one row per registered source definition, for `aicost sources`, the programmatic
// `sources()` and the README table `npm run docs` generates (src/docs.ts). Rows are built here, from the registry,
// so the three never disagree. The registry is imported lazily: it loads every source definition.
import { renderTable } from './table.js';

/** What `aicost sources` lists for one source definition. */
export interface SourceInfo {
  id: string;
  family: string;
  /** The dataset the source writes: focus or usage. */
  dataset: string;
  /** Accepted file formats, comma-separated (csv, json, parquet). */
  formats: string;
  /** One line: what the detector looks for. */
  detects: string;
}

/** Every registered source, in registry order. */
export async function listSources(): Promise<SourceInfo[]> {
  const { SOURCES } = await import('../sources/index.js');
  return SOURCES.map((s) => ({
    id: s.id,
    family: s.family,
    dataset: s.dataset,
    formats: s.formats.join(', '),
    detects: s.detects,
  }));
}

/** The terminal table of `aicost sources`. */
export function renderSourcesTable(rows: SourceInfo[]): string {
  return renderTable(
    ['id', 'family', 'dataset', 'formats', 'detects'],
    rows.map((r) => [r.id, r.family, r.dataset, r.formats, r.detects]),
    { title: `Input formats aicost reads (${rows.length})` },
  );
}

// Every fixture file with an expected.json entry ingests to exactly what that file says: its source, the rows
// stored, the skipped records, exact money totals and tokens per class. The expected values are computed from the
// raw vendor files by scripts/fixture-expected.py, independently of aicost (fixtures/README.md), so a mismatch is
// either a bug or a misread rule: investigate, never copy aicost's number into expected.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { TOKEN_CLASSES } from '../../src/usage/schema.js';
import { type ExpectedEntry, expectedFolders } from '../helpers/expected.js';
import { FIX, ingestInto, q, tmpHome } from '../helpers/home.js';

/**
 * Folders whose files interact when stored together, so each file gets its own data home: the compressed copies
 * and the LiteLLM quirks share request ids (a later file replaces the earlier one's rows), the two OTel call exports
 * share span ids, the delivery parts repeat rows (FOCUS rows identical to stored ones are dropped), and so do the
 * FOCUS spec's virtual-currency examples b2 and b3 (two of their three burn rows are the same). Every other folder is
 * ingested into one home, and the test fails if a file there replaced or dropped rows of another.
 */
const ISOLATED = new Set(['compressed', 'deliveries', 'focus', 'otel-genai', 'quirks']);

const FOCUS_MONEY = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'];
const sums = (cols: readonly string[]) => cols.map((c) => `SUM("${c}")::VARCHAR AS "${c}"`).join(', ');
const FOCUS_SQL = `SELECT x_SourceFile AS file, count(*)::VARCHAR AS n, ${sums(FOCUS_MONEY)} FROM focus GROUP BY 1`;
const USAGE_SQL = `SELECT source_file AS file, count(*)::VARCHAR AS n, SUM(source_cost)::VARCHAR AS source_cost,
  ${sums(TOKEN_CLASSES)} FROM usage GROUP BY 1`;

type Row = Record<string, string | null>;

/** What a data home holds per input path, in the shape of an expected entry. */
async function storedByInput(home: string, report: IngestReport): Promise<Map<string, ExpectedEntry>> {
  const focus = new Map((await q<Row>(home, FOCUS_SQL)).map((r) => [r.file, r]));
  const usage = new Map((await q<Row>(home, USAGE_SQL)).map((r) => [r.file, r]));
  const out = new Map<string, ExpectedEntry>();
  for (const f of report.files) {
    const fr = focus.get(f.path);
    const ur = usage.get(f.path);
    const got: ExpectedEntry = {
      // a file writes one dataset; one that wrote both fails here, whatever its totals
      source: `${f.sourceId ?? '(none)'}${fr && ur ? ' (wrote focus/ and usage/ rows)' : ''}`,
      dataset: fr ? 'focus' : 'usage',
      rows: Number(fr?.n ?? 0) + Number(ur?.n ?? 0),
      skipped: f.skipped,
      totals: {},
    };
    if (got.dataset === 'focus') for (const c of FOCUS_MONEY) got.totals[c] = fr?.[c] ?? null;
    else {
      got.totals.source_cost = ur?.source_cost ?? null;
      got.tokens = Object.fromEntries(TOKEN_CLASSES.map((c) => [c, Number(ur?.[c] ?? 0)]));
    }
    out.set(f.path, got);
  }
  return out;
}

/** The stored entry without the keys the expected entry does not have (skipped, manifest). */
function comparable(got: ExpectedEntry | undefined, e: ExpectedEntry): ExpectedEntry | undefined {
  if (!got) return got;
  const { skipped, ...rest } = got;
  return {
    ...rest,
    ...(e.skipped !== undefined ? { skipped } : {}),
    ...(e.manifest !== undefined ? { manifest: e.manifest } : {}),
  };
}

const folders = expectedFolders();

/** The data files of a fixture folder as expected.json lists them (relative paths); delivery manifests excluded. */
function dataFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((d) => {
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) return dataFiles(dir, rel);
      return ['ORIGIN.md', 'README.md', 'expected.json'].includes(d.name) || d.name.endsWith('-Manifest.json')
        ? []
        : [rel];
    })
    .sort();
}

const tool = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

it('covers the fixture folders', () => {
  expect(folders.map((f) => f.folder)).toEqual([
    'allocation',
    'anthropic',
    'commitments',
    'compressed',
    'deliveries',
    'focus',
    'forecast',
    'gateway-csv',
    'helicone',
    'langfuse',
    'litellm',
    'openai',
    'otel-genai',
    'quirks',
  ]);
});

it('every data file of those folders has an entry', () => {
  const missing = folders.flatMap(({ folder, expected }) =>
    dataFiles(join(FIX, folder))
      .filter((f) => !(f in expected.files))
      .map((f) => `${folder}/${f}`),
  );
  expect(missing).toEqual([]);
});

// the files are generated: hand edits, or a fixture added without regenerating, fail here
it.skipIf(!tool('python3', '--version') || !tool('zstd', '--version'))(
  'expected.json files are what scripts/fixture-expected.py computes',
  () => {
    const r = spawnSync('python3', [join(FIX, '..', 'scripts', 'fixture-expected.py'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  },
);

for (const { folder, expected } of folders) {
  describe(folder, () => {
    const entries = [...Object.entries(expected.files), ...Object.entries(expected.deliveries ?? {})];
    const paths = entries.map(([rel]) => join(FIX, folder, rel));
    const stored = new Map<string, ExpectedEntry>();
    const interactions: string[] = [];
    const cleanups: (() => void)[] = [];
    afterAll(() => {
      for (const c of cleanups) c();
    });

    beforeAll(async () => {
      for (const group of ISOLATED.has(folder) ? paths.map((p) => [p]) : [paths]) {
        const { home, cleanup } = tmpHome();
        cleanups.push(cleanup);
        const report = await ingestInto(home, group);
        for (const f of report.files)
          if (f.replaced > 0 || f.duplicates > 0)
            interactions.push(`${f.path}: replaced ${f.replaced}, duplicates ${f.duplicates}`);
        for (const [p, e] of await storedByInput(home, report)) stored.set(p, e);
      }
    });

    if (!ISOLATED.has(folder))
      it('its files do not interact in one data home', () => {
        expect(interactions).toEqual([]);
      });

    // a delivery is stored under its manifest's path
    it.each(entries)('%s', (rel, e) => {
      expect(comparable(stored.get(join(FIX, folder, e.manifest ?? rel)), e)).toEqual(e);
    });
  });
}

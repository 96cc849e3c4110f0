// `aicost ingest` as a library function: discover, detect, stage every input through the pipeline, apply
// replacement keys, then commit everything in one atomic manifest swap (or nothing, on any input error).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, MultiInputError } from '../errors.js';
import type { SourceDefinition } from '../normalize/contract.js';
import { type StagedInput, stageInput } from '../normalize/pipeline.js';
import { rowTimeColumn } from '../normalize/repeated-keys.js';
import { loadPriceBook } from '../prices/book.js';
import { installPrices } from '../prices/install.js';
import { detectSource, sourceById } from '../sources/index.js';
import { Db, ident, lit, litList } from '../store/duckdb.js';
import { shortHash, storedPath } from '../store/files.js';
import { type IngestedInput, readManifest } from '../store/manifest.js';
import type { WorkingFile } from '../store/rewrite.js';
import { Transaction } from '../store/transaction.js';
import { VERSION } from '../version.js';
import { joinAzureExports } from './azure-join.js';
import { burnCommitments } from './burn.js';
import { deriveCommitmentRows } from './commitment-rows.js';
import { type CurrencyTotals, currencyTotals, mixedCurrencyWarning } from './currencies.js';
import { discoverInputs } from './discover.js';
import { prepareInput } from './inputs/prepare.js';
import { pairCostReports } from './pairing.js';
import { pruneAllocations } from './prune-allocations.js';
import { applyReplacement, type Freshness } from './replace.js';

/** An IANA time zone name (e.g. Europe/Berlin) or an input error before anything is read. */
export function checkTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new InputError(
      `--timezone "${zone}" is not a time zone name`,
      {},
      'use an IANA name such as Europe/Berlin or UTC',
    );
  }
}

export interface IngestOptions {
  home: string;
  paths: string[];
  source?: string;
  account?: string;
  dryRun?: boolean;
  keepGoing?: boolean;
  replacePeriod?: boolean;
  rateCard?: string;
  /** Tag keys stored only as salted hashes, and tag keys never stored (docs/data-model.md#tags). */
  hashTags?: string[];
  denyTags?: string[];
  /** IANA zone of telemetry local times without an offset (nvidia-smi); UTC when absent (docs/gpu.md). */
  timezone?: string;
  onProgress?: (message: string) => void;
}

export interface FileReport {
  path: string;
  sourceId: string | null;
  status: 'ingested' | 'unchanged' | 'failed';
  rowsIn: number;
  rowsOut: number;
  rejected: number;
  skipped: number;
  replaced: number;
  /** Rows dropped for repeating a replacement key inside this file (the latest kept). */
  repeated: number;
  /** Rows not stored because a fresher export of the same key is stored (docs/data-model.md#replacement-keys). */
  superseded: number;
  duplicates: number;
  duplicateCost?: string;
  reconciliation: { measure: string; source: string; stored: string }[];
  warnings: string[];
  notes: string[];
  error?: { message: string; record?: string | number; column?: string };
}

export interface IngestReport {
  files: FileReport[];
  skipped: { path: string; reason: string }[];
  committed: boolean;
  dryRun: boolean;
  /** Per BillingCurrency of the data home's focus rows after this ingest (with a dry run: as they would be). */
  currencies: CurrencyTotals[];
  /** Warnings about the data home as a whole (several billing currencies), beside each file's own. */
  warnings: string[];
}

function emptyReport(path: string, sourceId: string | null, status: FileReport['status']): FileReport {
  return {
    path,
    sourceId,
    status,
    rowsIn: 0,
    rowsOut: 0,
    rejected: 0,
    skipped: 0,
    replaced: 0,
    repeated: 0,
    superseded: 0,
    duplicates: 0,
    reconciliation: [],
    warnings: [],
    notes: [],
  };
}

/** The start of the latest bucket or record an input holds (its freshness, replace.ts), as DuckDB prints it. */
async function latestStart(db: Db, staged: StagedInput): Promise<string | null> {
  if (staged.parts.length === 0) return null;
  const r = await db.one<{ t: string | null }>(
    `SELECT max(${ident(rowTimeColumn(staged.dataset))})::VARCHAR AS t FROM read_parquet(${litList(staged.parts.map((p) => p.staged))}, hive_partitioning = false)`,
  );
  return r?.t ?? null;
}

export async function ingest(opts: IngestOptions): Promise<IngestReport> {
  if (opts.timezone !== undefined) checkTimezone(opts.timezone);
  const { inputs, skipped } = discoverInputs(opts.paths);
  const forced: SourceDefinition | undefined = opts.source ? sourceById(opts.source) : undefined;
  // a rate card is read (and its errors reported) before anything is written; the bundled book loads compiled
  const book = opts.rateCard ? loadPriceBook({ rateCard: opts.rateCard }) : null;
  const home = resolve(opts.home);
  const scratchRoot = opts.dryRun ? mkdtempSync(join(tmpdir(), 'aicost-dry-')) : undefined;
  const tx = opts.dryRun ? null : Transaction.begin(home);
  const manifest = tx ? tx.next : readManifest(home);
  const stagingDir = tx ? tx.stagingDir : scratchRoot!;
  const db = await Db.open({ tempDirectory: join(stagingDir, 'duckdb-tmp') });
  const reports: FileReport[] = [];
  const errors: InputError[] = [];
  // a dry run keeps its staged files out of the working set; the currency check still counts them
  const dryIncoming: WorkingFile[] = [];
  let currencies: CurrencyTotals[] = [];
  try {
    await installPrices(db, { book });
    let working: WorkingFile[] = manifest.files.map((f) => ({
      abs: join(home, f.path),
      file: f,
      staged: false,
    }));
    const known = new Set(manifest.inputs.map((i) => `${i.sha256}:${i.sourceId}`));
    let n = 0;
    for (const input of inputs) {
      n++;
      opts.onProgress?.(`[${n}/${inputs.length}] ${input.path}`);
      // --- inputs as users have them (inputs/prepare.ts): stdin, compression, deliveries, documentation files
      const prep = await prepareInput(input, stagingDir);
      if ('skip' in prep) {
        skipped.push({ path: input.path, reason: prep.skip });
        continue;
      }
      if ('error' in prep) {
        errors.push(prep.error);
        reports.push({ ...emptyReport(input.path, null, 'failed'), error: { message: prep.error.message } });
        continue;
      }
      const prepared = prep.input;
      const sniff = prepared.sniff;
      // --- end inputs
      if (sniff.format === 'parquet') {
        try {
          sniff.parquetColumns = (
            await db.describe(`SELECT * FROM read_parquet(${lit(prepared.abs)}, hive_partitioning = false)`)
          ).map((c) => c.name);
        } catch {
          sniff.format = 'unknown';
        }
      }
      const detected = forced ?? detectSource(sniff).source;
      if (!detected) {
        if (input.explicit) {
          const { candidates } = detectSource(sniff);
          errors.push(
            new InputError(
              `not a supported input (format ${sniff.format})`,
              { file: input.path },
              candidates.length
                ? `closest candidates: ${candidates.join(', ')}; use --source ID`
                : 'aicost sources lists what is supported',
            ),
          );
          reports.push({
            ...emptyReport(input.path, null, 'failed'),
            error: { message: 'not a supported input' },
          });
        } else skipped.push({ path: input.path, reason: `not a detectable input (format ${sniff.format})` });
        continue;
      }
      // The content hash decides "unchanged" and names the stored files. A focus/ input needs it inside the COPY
      // (x_RowId), and so does a re-ingest that looks unchanged (same path and size): hashed first. A new usage
      // input is hashed while DuckDB stages it, on the otherwise idle main thread; if the content turns out to be
      // known after all (same bytes under another name), the staged rows are dropped.
      const looksKnown = manifest.inputs.some((i) => i.path === input.path && i.bytes === prepared.bytes);
      const hashing = prepared.sha256();
      const early = detected.dataset === 'focus' || looksKnown ? await hashing : null;
      if (early !== null && known.has(`${early}:${detected.id}`)) {
        reports.push(emptyReport(input.path, detected.id, 'unchanged'));
        continue;
      }
      const tag = shortHash(input.path, String(n)).slice(0, 10);
      let staged: StagedInput;
      try {
        staged = await stageInput(db, sniff, detected, {
          displayPath: input.path,
          absPath: prepared.abs,
          files: prepared.files,
          compression: sniff.compression,
          sha256: early,
          account: opts.account ?? null,
          salt: manifest.salt,
          hashTags: opts.hashTags ?? [],
          denyTags: opts.denyTags ?? [],
          timezone: opts.timezone,
          tag,
          scratch: (name) => (tx ? tx.stagePath(`scratch/${name}`) : join(stagingDir, name)),
        });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.push(e);
        reports.push({
          ...emptyReport(input.path, detected.id, 'failed'),
          error: { message: e.message, record: e.location.record, column: e.location.column },
        });
        continue;
      }
      const sha = early ?? (await hashing);
      if (early === null && known.has(`${sha}:${detected.id}`)) {
        reports.push(emptyReport(input.path, detected.id, 'unchanged'));
        continue;
      }
      const incoming: WorkingFile[] = staged.parts.map((p, i) => ({
        abs: p.staged,
        staged: true,
        file: {
          path: storedPath(staged.dataset, p.partition, detected.id, `${sha.slice(0, 20)}-${i}`),
          dataset: staged.dataset,
          sourceId: detected.id,
          partition: p.partition,
          inputSha256: sha,
          rows: p.rows,
          totals: p.totals,
          createdAt: new Date().toISOString(),
        },
      }));
      const freshness: Freshness = {
        sha256: sha,
        exportedAt: prepared.modifiedAt,
        latestStart: await latestStart(db, staged),
      };
      const rep = tx
        ? await applyReplacement(db, tx, detected, incoming, working, {
            replacePeriod: opts.replacePeriod,
            freshness,
          })
        : { working, incoming, replaced: 0, superseded: 0, duplicates: 0, duplicateCost: '0' };
      if (!tx) dryIncoming.push(...incoming);
      working = rep.working;
      const superseded = rep.superseded ?? 0;
      const report: FileReport = {
        ...emptyReport(input.path, detected.id, 'ingested'),
        rowsIn: staged.rowsIn,
        rowsOut: staged.rowsOut - rep.duplicates - superseded,
        skipped: staged.skipped,
        replaced: rep.replaced,
        repeated: staged.repeated,
        superseded,
        duplicates: rep.duplicates,
        duplicateCost: rep.duplicates > 0 ? rep.duplicateCost : undefined,
        reconciliation: staged.reconciliation,
        warnings: [
          ...staged.warnings,
          // nvidia-smi prints local time without a zone (docs/gpu.md#nvidia-smi)
          ...(detected.id === 'nvidia-smi' && opts.timezone === undefined
            ? ['nvidia-smi times have no zone and were read as UTC: pass --timezone (or set gpu.timezone)']
            : []),
        ],
        notes: staged.notes,
      };
      if (rep.duplicates > 0)
        report.notes.push(
          `${rep.duplicates} rows identical to stored rows dropped (BilledCost ${rep.duplicateCost})`,
        );
      if (superseded > 0)
        report.notes.push(
          `${superseded} row${superseded === 1 ? '' : 's'} not stored: a fresher export of the same key is stored (complete bucket, or exported later)`,
        );
      reports.push(report);
      known.add(`${sha}:${detected.id}`);
      if (tx) {
        const entry: IngestedInput = {
          sha256: sha,
          path: input.path,
          bytes: prepared.bytes,
          sourceId: detected.id,
          replacementKey:
            detected.replace.kind === 'rows'
              ? `${detected.id}:rows(${detected.replace.key.join(',')})`
              : `${detected.id}:${detected.replace.kind}`,
          rowsIn: staged.rowsIn,
          rowsOut: report.rowsOut,
          rejected: 0,
          duplicates: rep.duplicates + staged.repeated + superseded,
          reconciliation: staged.reconciliation,
          exportedAt: freshness.exportedAt,
          latestStart: freshness.latestStart,
          ingestedAt: new Date().toISOString(),
          aicostVersion: VERSION,
        };
        tx.next.inputs.push(entry);
      }
    }
    opts.onProgress?.('');
    const bad = errors.length > 0;
    if (tx && (!bad || opts.keepGoing)) {
      // Azure actual + amortized exports become focus/ rows by a join, not one file each (azure-join.ts)
      working = await joinAzureExports(db, tx, working);
      working = await pairCostReports(db, tx, working);
      working = await burnCommitments(db, tx, working);
      working = await deriveCommitmentRows(db, tx, working);
      working = await pruneAllocations(db, tx, working, 'burn_changed');
      const keep = new Set(working.map((w) => w.file.path));
      for (const f of tx.previous.files) if (!keep.has(f.path)) tx.removeFile(f.path);
      const prevPaths = new Set(tx.previous.files.map((f) => f.path));
      for (const w of working) if (w.staged || !prevPaths.has(w.file.path)) tx.addFile(w.abs, w.file);
      tx.next.inputs = tx.next.inputs.filter((i) => !errors.some((e) => e.location.file === i.path));
      currencies = await focusCurrencies(db, working);
      db.close();
      tx.commit();
    } else {
      if (!tx && !bad) currencies = await focusCurrencies(db, [...working, ...dryIncoming]);
      db.close();
      tx?.abort();
    }
    if (bad) throw errors.length === 1 ? errors[0]! : new MultiInputError(errors);
    const mixed = mixedCurrencyWarning(currencies);
    return {
      files: reports,
      skipped,
      committed: !!tx,
      dryRun: !!opts.dryRun,
      currencies,
      warnings: mixed ? [mixed] : [],
    };
  } catch (e) {
    try {
      db.close();
    } catch {
      // already closed
    }
    tx?.abort();
    if (e instanceof InputError)
      (e as InputError & { report?: IngestReport }).report = {
        files: reports,
        skipped,
        committed: false,
        dryRun: !!opts.dryRun,
        // --keep-going committed the good files: say what the data home now holds
        currencies,
        warnings: [mixedCurrencyWarning(currencies)].filter((w): w is string => w !== null),
      };
    throw e;
  } finally {
    if (scratchRoot) rmSync(scratchRoot, { recursive: true, force: true });
  }
}

/** The currencies of the focus files a working set holds (what the data home holds once it is committed). */
function focusCurrencies(db: Db, working: WorkingFile[]): Promise<CurrencyTotals[]> {
  return currencyTotals(
    db,
    working.filter((w) => w.file.dataset === 'focus').map((w) => w.abs),
  );
}

// Sniffing: what format a file is and what its first bytes say, for detection. Compressed files are sniffed from
// their decompressed start (see normalize/decompress.ts).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import Papa from 'papaparse';
import type { Sniff } from '../normalize/contract.js';
import { fileCompression, readDecompressedHead, stripCompressionExt } from '../normalize/decompress.js';

const HEAD_BYTES = 64 * 1024;

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, statSync(path).size));
    readSync(fd, buf, 0, buf.length, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The CSV header of a text head (first record), BOM stripped; papaparse handles quoting and `;` delimiters. */
export function csvHeader(head: string): string[] {
  const firstLines = head.split(/\r?\n/).slice(0, 5).join('\n');
  const parsed = Papa.parse<string[]>(firstLines, { preview: 1, delimitersToGuess: [',', ';', '\t', '|'] });
  return (parsed.data[0] ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
}

/**
 * What a file is: compression from its magic bytes, then format, CSV header and head from the decompressed first
 * 64 KiB and the extension of `name` without its `.gz`/`.zst` suffix. `name` is what the user sees (for stdin,
 * `<stdin>`; `path` is then the spooled copy).
 */
export async function sniffFile(path: string, name = path): Promise<Sniff> {
  const compression = fileCompression(path);
  const buf =
    compression === 'none' ? readHead(path) : await readDecompressedHead(path, compression, HEAD_BYTES, name);
  const ext = extname(stripCompressionExt(name)).toLowerCase();
  const magic = buf.subarray(0, 4).toString('latin1');
  const base = { path: name, compression, header: [], parquetColumns: [] };
  if (magic === 'PAR1' || ext === '.parquet') {
    // Parquet compresses its own pages; a gzip- or zstd-wrapped Parquet file is not something DuckDB reads
    return { ...base, format: compression === 'none' ? 'parquet' : 'unknown', head: '' };
  }
  const head = buf.toString('utf8').replace(/^\uFEFF/, '');
  const first = head.trimStart()[0];
  if (first === '{' || first === '[' || ext === '.json' || ext === '.jsonl' || ext === '.ndjson') {
    return { ...base, format: 'json', head };
  }
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt' || head.includes(',') || head.includes(';')) {
    return { ...base, format: 'csv', header: csvHeader(head), head };
  }
  return { ...base, format: 'unknown', head };
}

/** True when the header holds every one of `names` (case-insensitive). */
export function hasColumns(sniff: Sniff, names: string[]): boolean {
  const cols = new Set(
    (sniff.format === 'parquet' ? sniff.parquetColumns : sniff.header).map((h) => h.toLowerCase()),
  );
  return names.every((n) => cols.has(n.toLowerCase()));
}

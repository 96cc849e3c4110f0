// Sniffing: what format a file is and what its first bytes say, for detection.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import Papa from 'papaparse';
import type { Sniff } from '../normalize/contract.js';

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

export function sniffFile(path: string): Sniff {
  const buf = readHead(path);
  const ext = extname(path).toLowerCase();
  const magic = buf.subarray(0, 4).toString('latin1');
  if (magic === 'PAR1' || ext === '.parquet') {
    return { path, format: 'parquet', compression: 'none', header: [], parquetColumns: [], head: '' };
  }
  const head = buf.toString('utf8').replace(/^\uFEFF/, '');
  const first = head.trimStart()[0];
  if (first === '{' || first === '[' || ext === '.json' || ext === '.jsonl' || ext === '.ndjson') {
    return { path, format: 'json', compression: 'none', header: [], parquetColumns: [], head };
  }
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt' || head.includes(',') || head.includes(';')) {
    return { path, format: 'csv', compression: 'none', header: csvHeader(head), parquetColumns: [], head };
  }
  return { path, format: 'unknown', compression: 'none', header: [], parquetColumns: [], head };
}

/** True when the header holds every one of `names` (case-insensitive). */
export function hasColumns(sniff: Sniff, names: string[]): boolean {
  const cols = new Set(
    (sniff.format === 'parquet' ? sniff.parquetColumns : sniff.header).map((h) => h.toLowerCase()),
  );
  return names.every((n) => cols.has(n.toLowerCase()));
}

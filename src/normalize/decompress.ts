// Compressed inputs: gzip and zstd are recognised by their magic bytes (RFC 1952 §2.3.1: 1f 8b; RFC 8878 §3.1.1:
// 28 b5 2f fd), whatever the file is called, and read as a stream of decompressed bytes. It lives beside the readers
// because the JSON reader decompresses as it parses; ingest's sniffing uses the same functions.
//
// zstd: Node 20's zlib has no zstd (zlib.createZstdDecompress arrived in Node 22.15), so it is decoded by `fzstd`, a
// small pure-JS decoder with no native build and no dependencies (https://github.com/101arrowz/fzstd, MIT) that
// streams and handles concatenated frames. DuckDB reads compressed CSV itself; only JSON and sniffing use this.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { InputError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** The compression a file's first bytes announce. */
export function compressionOf(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** The compression of the file at `path`, from its magic bytes. */
export function fileCompression(path: string): Compression {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const n = readSync(fd, buf, 0, 4, 0);
    return compressionOf(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** A name without its compression suffix (`spend.csv.gz` -> `spend.csv`), so the extension names the format. */
export function stripCompressionExt(name: string): string {
  return name.replace(/\.(gz|gzip|zst|zstd)$/i, '');
}

function zstdTransform(): Transform {
  let decoder: Decompress;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
  decoder = new Decompress((data) => {
    t.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  return t;
}

/** The decompressed bytes of a file as a stream; a corrupt stream errors with an InputError naming the file. */
export function openDecompressed(path: string, compression: Compression, file: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (compression === 'none') return raw;
  const inflate = compression === 'gzip' ? createGunzip() : zstdTransform();
  const out = new PassThrough();
  raw.on('error', (e) => out.destroy(e));
  // a decoder error is bad input (exit 2), not a bug
  inflate.on('error', (e) =>
    out.destroy(new InputError(`corrupt ${compression} data (${e.message})`, { file })),
  );
  // the reader may stop early (sniffing reads only the head): release the file and the decoder with it
  out.on('close', () => {
    raw.destroy();
    inflate.destroy();
  });
  raw.pipe(inflate).pipe(out);
  return out;
}

/** Up to `bytes` decompressed bytes from the start of a file (for sniffing); stops reading once it has them. */
export async function readDecompressedHead(
  path: string,
  compression: Compression,
  bytes: number,
  file: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  const stream = openDecompressed(path, compression, file);
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      have += (chunk as Buffer).length;
      if (have >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

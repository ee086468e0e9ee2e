import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * One model-cache entry on disk, a folder of three files:
 *   model.json   the cache key, the trainer's report (meta) and the tfjs weights manifest
 *   weights.bin  the weights, float32/int32 little-endian, in manifest order (what tf.io writes)
 *   record.json  the byte size and SHA-256 of the two files above, the cache format and the
 *                training code version (code-version.ts) that made them
 * Reading checks everything in memory before any tensor exists, so a bad entry costs no tensors.
 */

export const ENTRY_FORMAT = 1;
const FILES = ['model.json', 'weights.bin'] as const;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export interface StoredModel<M> {
  key: unknown;
  meta: M;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

interface EntryRecord {
  format: number;
  cacheVersion: number;
  codeVersion: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Who wrote an entry: it must match the reader's to be used. */
export interface EntryStamp {
  cacheVersion: number;
  codeVersion: string;
}

export type EntryRead<M> =
  | { ok: true; stored: StoredModel<M>; weights: Buffer }
  /** `why` completes "cache entry <dir> …", e.g. "is corrupt (weights.bin sha256 differs from its record)". */
  | { ok: false; why: string };

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Write an entry's files into the (empty, private) folder `dir`. */
export function writeEntry<M>(dir: string, stored: StoredModel<M>, weights: Buffer, stamp: EntryStamp): void {
  const bytes: Record<(typeof FILES)[number], Buffer> = { 'model.json': Buffer.from(JSON.stringify(stored)), 'weights.bin': weights };
  const record: EntryRecord = { format: ENTRY_FORMAT, ...stamp, files: {} };
  for (const f of FILES) {
    fs.writeFileSync(path.join(dir, f), bytes[f]);
    record.files[f] = { bytes: bytes[f].length, sha256: sha256(bytes[f]) };
  }
  fs.writeFileSync(path.join(dir, 'record.json'), JSON.stringify(record, null, 1));
}

/** The file's bytes, or null when it is missing. */
function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function parse<T>(bytes: Buffer): T | Error {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    return e as Error;
  }
}

const short = (v: string): string => `${v.slice(0, 12)}…`;

/** Read the entry folder `dir` and check it against its record and `stamp`. */
export function readEntry<M>(dir: string, stamp: EntryStamp): EntryRead<M> {
  const corrupt = (what: string): EntryRead<M> => ({ ok: false, why: `is corrupt (${what})` });
  const recordBytes = readOrNull(path.join(dir, 'record.json'));
  if (recordBytes === null) {
    const old = fs.existsSync(path.join(dir, 'model.json'));
    return old ? { ok: false, why: 'is stale (it has no record.json: written before the cache checked its files)' } : corrupt('record.json is missing');
  }
  const record = parse<EntryRecord>(recordBytes);
  if (record instanceof Error) return corrupt(`record.json is not valid JSON: ${record.message}`);
  if (record.format !== ENTRY_FORMAT || record.cacheVersion !== stamp.cacheVersion) {
    return { ok: false, why: `is stale (cache format ${record.format}, version ${record.cacheVersion}; this checkout writes ${ENTRY_FORMAT}, ${stamp.cacheVersion})` };
  }
  if (record.codeVersion !== stamp.codeVersion) {
    return { ok: false, why: `is stale (trained by other code: training code version ${short(String(record.codeVersion))}, this checkout's is ${short(stamp.codeVersion)})` };
  }
  const bytes: Partial<Record<(typeof FILES)[number], Buffer>> = {};
  for (const f of FILES) {
    const want = record.files?.[f];
    if (!want) return corrupt(`record.json lists no ${f}`);
    const b = readOrNull(path.join(dir, f));
    if (b === null) return corrupt(`${f} is missing`);
    if (b.length !== want.bytes) return corrupt(`${f} has ${b.length} bytes, its record says ${want.bytes}`);
    if (sha256(b) !== want.sha256) return corrupt(`${f} sha256 differs from its record`);
    bytes[f] = b;
  }
  const stored = parse<StoredModel<M>>(bytes['model.json']!);
  if (stored instanceof Error) return corrupt(`model.json is not valid JSON: ${stored.message}`);
  const specs = stored.weightsManifest?.[0]?.weights;
  if (!Array.isArray(specs) || specs.some((s) => !validSpec(s))) return corrupt('model.json has no valid weights manifest');
  const want = specs.reduce((n, s) => n + 4 * size(s.shape), 0);
  if (want !== bytes['weights.bin']!.length) return corrupt(`its manifest describes ${want} bytes of weights, weights.bin has ${bytes['weights.bin']!.length}`);
  return { ok: true, stored, weights: bytes['weights.bin']! };
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

const validSpec = (s: WeightSpec): boolean =>
  (s.dtype === 'float32' || s.dtype === 'int32') && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && d >= 0);

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as path from 'path';
import { fromRoot } from '../paths';
import { publishFolder, readStable, removeStaleTemps } from './atomic-folder';
import { EntryStamp, readEntry, size, StoredModel, WeightSpec, writeEntry } from './cache-entry';
import { codeVersion } from './code-version';

/**
 * Bump when old checkpoints become wrong for a reason outside the training code's version
 * (code-version.ts hashes lib's training sources; e.g. a change in how a key is built elsewhere).
 * It is hashed into the folder name.
 */
export const CACHE_VERSION = 1;

export interface HasWeights {
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

export const cacheDir = (): string => process.env.MNIST_LAB_CACHE ?? fromRoot('.cache', 'models');

/** JSON with sorted keys, so {a,b} and {b,a} hash alike. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The entry's folder name. The training code version is not in it but in the entry (record.json):
 * an entry left by older code is then replaced in place instead of orphaned.
 */
export const configHash = (key: unknown): string =>
  createHash('sha256').update(stableJson({ key, version: CACHE_VERSION })).digest('hex').slice(0, 16);

const stamp = (): EntryStamp => ({ cacheVersion: CACHE_VERSION, codeVersion: codeVersion() });

/** A cache entry that exists but cannot be used; the message names the folder and the fix. */
export class CacheEntryError extends Error {
  constructor(readonly dir: string, readonly why: string) {
    super(`cache entry ${dir} ${why}. Delete that folder, or rerun with MNIST_LAB_NO_CACHE=1 so the model is trained and saved again.`);
    this.name = 'CacheEntryError';
  }
}

/** Temp folders of `dir` left by killed saves (the whole cache is swept by cachedWeights). */
const cleanSiblings = (dir: string): string[] => removeStaleTemps(path.dirname(dir), (owner) => owner === path.basename(dir));

/**
 * Save weights as the folder `dir` (model.json, weights.bin, record.json: cache-entry.ts), written
 * under a temp name and renamed into place (atomic-folder.ts), replacing any entry there. When
 * another process saves the same entry at the same moment, one of the two (equivalent) stays.
 */
export function saveCheckpoint<M>(dir: string, key: unknown, model: HasWeights, meta: M): void {
  const weights = model.getWeights();
  const specs: WeightSpec[] = weights.map((w, i) => {
    if (w.dtype !== 'float32' && w.dtype !== 'int32') {
      throw new TypeError(`weight ${i} (shape [${w.shape}]) is ${w.dtype}; the model cache stores float32 and int32 weights only: cast it in the model, or keep it out of getWeights().`);
    }
    return { name: `w${i}`, shape: w.shape, dtype: w.dtype };
  });
  const bin = Buffer.concat(weights.map((w) => Buffer.from((w.dataSync() as Float32Array | Int32Array).slice().buffer)));
  const stored: StoredModel<M> = { key, meta, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  cleanSiblings(dir);
  const s = stamp();
  publishFolder(dir, (tmp) => writeEntry(tmp, stored, bin, s));
}

type Lookup<M> = { status: 'hit'; meta: M } | { status: 'miss' } | { status: 'bad'; why: string };

/** Read the entry at `dir` into `model` if it is whole, current and fits; no tensor outlives a failure. */
function lookup<M>(dir: string, key: unknown, model: HasWeights): Lookup<M> {
  cleanSiblings(dir);
  const read = readStable(dir, () => readEntry<M>(dir, stamp()));
  if (read === 'absent') return { status: 'miss' };
  if (read.ok === false) return { status: 'bad', why: read.why }; // === false: tslab compiles without strict, where !read.ok does not narrow
  // Another key with the same 64-bit hash: not this model's entry.
  if (stableJson(read.stored.key) !== stableJson(key)) return { status: 'miss' };
  const specs = read.stored.weightsManifest[0].weights;
  const current = model.getWeights();
  const fits = current.length === specs.length && current.every((w, i) => w.shape.join() === specs[i].shape.join() && w.dtype === specs[i].dtype);
  if (!fits) {
    const shapes = (ws: { shape: number[] }[]) => ws.map((w) => `[${w.shape}]`).join(' ');
    return { status: 'bad', why: `does not fit the model (it holds weights ${shapes(specs)}, the model has ${shapes(current)})` };
  }
  const bin = read.weights;
  let offset = 0;
  const tensors: tf.Tensor[] = [];
  try {
    for (const s of specs) {
      const n = size(s.shape);
      const bytes = bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + 4 * n);
      offset += 4 * n;
      tensors.push(tf.tensor(s.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes), s.shape, s.dtype));
    }
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  return { status: 'hit', meta: read.stored.meta };
}

/**
 * Load a checkpoint into `model`; null when there is none (or it holds another key). An entry that
 * is corrupt, was written by other training code, or does not fit the model throws a
 * CacheEntryError naming its folder and the fix, and leaves the model as it was.
 */
export function loadCheckpoint<M>(dir: string, key: unknown, model: HasWeights): M | null {
  const r = lookup<M>(dir, key, model);
  if (r.status === 'bad') throw new CacheEntryError(dir, r.why);
  return r.status === 'hit' ? r.meta : null;
}

const swept = new Set<string>();

/** Once per process and cache folder: delete temp folders of killed saves of any entry. */
function sweepCache(root: string): void {
  if (swept.has(root)) return;
  swept.add(root);
  removeStaleTemps(root, (owner) => /^[0-9a-f]{16}$/.test(owner));
}

/**
 * Train once, then reuse: the weights (and what training reported, e.g. its loss curve) are kept
 * under .cache/models/<hash of key>, so re-running a notebook or a seminar skips training.
 * An entry that is corrupt, stale (other training code) or does not fit is retrained, saying so on
 * stderr; so is a save that fails (the trained model is still returned). MNIST_LAB_NO_CACHE=1
 * always trains (and still writes the checkpoint).
 */
export async function cachedWeights<M>(key: unknown, model: HasWeights, train: () => Promise<M>): Promise<{ meta: M; cached: boolean; dir: string }> {
  sweepCache(cacheDir());
  const dir = path.join(cacheDir(), configHash(key));
  if (process.env.MNIST_LAB_NO_CACHE !== '1') {
    const r = lookup<M>(dir, key, model);
    if (r.status === 'hit') return { meta: r.meta, cached: true, dir };
    if (r.status === 'bad') console.warn(`cache entry ${dir} ${r.why}; retraining`);
  }
  const meta = await train();
  try {
    saveCheckpoint(dir, key, model, meta);
  } catch (e) {
    // A cache that cannot be written (disk full, read-only) must not throw the training away.
    if (typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
    console.warn(`cache entry ${dir} could not be written (${(e as Error).message}); the model is trained but will be trained again next time: free space or point MNIST_LAB_CACHE at a writable folder`);
  }
  return { meta, cached: false, dir };
}

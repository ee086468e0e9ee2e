import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fromRoot } from '../paths';

/** Bump when a change in lib makes old checkpoints wrong (a model's layout, a loss). */
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

export const configHash = (key: unknown): string =>
  createHash('sha256').update(stableJson({ key, version: CACHE_VERSION })).digest('hex').slice(0, 16);

interface Stored<M> {
  key: unknown;
  meta: M;
  /** The tfjs weights format (what tf.io writes): one .bin with a manifest. */
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** Save weights as folder <hash>/{model.json,weights.bin}: written to a temp folder, then renamed. */
export function saveCheckpoint<M>(dir: string, key: unknown, model: HasWeights, meta: M): void {
  const weights = model.getWeights();
  const specs = weights.map((w, i) => ({ name: `w${i}`, shape: w.shape, dtype: w.dtype }));
  const bufs = weights.map((w) => Buffer.from((w.dataSync() as Float32Array | Int32Array).slice().buffer));
  const stored: Stored<M> = { key, meta, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'weights.bin'), Buffer.concat(bufs));
  fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(stored));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/** Load a checkpoint into `model`; null when absent or written by another configuration. */
export function loadCheckpoint<M>(dir: string, key: unknown, model: HasWeights): M | null {
  const json = path.join(dir, 'model.json');
  if (!fs.existsSync(json)) return null;
  const stored = JSON.parse(fs.readFileSync(json, 'utf8')) as Stored<M>;
  if (stableJson(stored.key) !== stableJson(key)) return null;
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const specs = stored.weightsManifest[0].weights;
  let offset = 0;
  const tensors = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const bytes = bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + 4 * size);
    offset += 4 * size;
    return tf.tensor(s.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes), s.shape, s.dtype as tf.DataType);
  });
  const current = model.getWeights();
  if (current.length !== tensors.length || current.some((w, i) => w.shape.join() !== tensors[i].shape.join())) {
    tf.dispose(tensors);
    throw new Error(`checkpoint ${dir} does not fit the model (weights differ in count or shape); delete the folder and run again.`);
  }
  model.setWeights(tensors);
  tf.dispose(tensors);
  return stored.meta;
}

/**
 * Train once, then reuse: the weights (and what training reported, e.g. its loss curve) are kept
 * under .cache/models/<hash of key>, so re-running a notebook or a seminar skips training.
 * MNIST_LAB_NO_CACHE=1 always trains (and still writes the checkpoint).
 */
export async function cachedWeights<M>(key: unknown, model: HasWeights, train: () => Promise<M>): Promise<{ meta: M; cached: boolean; dir: string }> {
  const dir = path.join(cacheDir(), configHash(key));
  if (process.env.MNIST_LAB_NO_CACHE !== '1') {
    const meta = loadCheckpoint<M>(dir, key, model);
    if (meta !== null) return { meta, cached: true, dir };
  }
  const meta = await train();
  saveCheckpoint(dir, key, model, meta);
  return { meta, cached: false, dir };
}

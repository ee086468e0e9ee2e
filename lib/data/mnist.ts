import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fromRoot } from '../paths';
import { assertNumber } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { IdxFormatError, parseIdx } from './idx';

/** Images [n,28,28,1] in [0,1] and their labels 0–9. The caller disposes `images`. */
export interface Dataset {
  images: tf.Tensor4D;
  labels: Int32Array;
  n: number;
}

export type Split = 'train' | 'test';

const FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

export class MnistDataError extends Error {
  name = 'MnistDataError';
}

export const mnistDir = (): string => process.env.MNIST_LAB_DATA ?? fromRoot('data', 'mnist');

/** The clone's data/mnist, or null outside a clone. */
function cloneDir(): string | null {
  try {
    return path.resolve(fromRoot('data', 'mnist'));
  } catch {
    return null;
  }
}

/**
 * How to get a good copy of `name` back into `dir`: git for the clone's own folder; for a custom
 * MNIST_LAB_DATA folder (git cannot restore it), that folder and how to replace the file there.
 */
function restoreHint(dir: string, name: string): string {
  if (path.resolve(dir) === cloneDir()) return `restore it with \`git checkout data/mnist/${name}\``;
  return `MNIST_LAB_DATA points to ${dir}, which git does not restore: replace ${name} there with a good copy ` +
    `(e.g. copy data/mnist/${name} from a clone of this project, then check it with \`cd ${dir} && sha256sum -c SHA256SUMS\`), or unset MNIST_LAB_DATA to use the clone's data/mnist`;
}

function expectedSums(dir: string): Map<string, string> {
  const sums = path.join(dir, 'SHA256SUMS');
  if (!fs.existsSync(sums)) throw new MnistDataError(`${sums} is missing; ${restoreHint(dir, 'SHA256SUMS')}.`);
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(sums, 'utf8').split('\n')) {
    const [sum, name] = line.trim().split(/\s+/);
    if (sum && name) m.set(name, sum);
  }
  return m;
}

const verified = new Set<string>();

/** Reads one file, checking its SHA-256 the first time in this process. */
function readVerified(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  const fix = restoreHint(dir, name);
  if (!fs.existsSync(file)) throw new MnistDataError(`MNIST file ${file} is missing; ${fix}.`);
  const buf = fs.readFileSync(file);
  if (!verified.has(file)) {
    const want = expectedSums(dir).get(name);
    if (!want) throw new MnistDataError(`${path.join(dir, 'SHA256SUMS')} has no line for ${name}; ${restoreHint(dir, 'SHA256SUMS')}.`);
    const got = createHash('sha256').update(buf).digest('hex');
    if (want !== got) {
      throw new MnistDataError(`MNIST file ${file} is corrupt: SHA-256 ${got}, expected ${want}; ${fix}.`);
    }
    verified.add(file);
  }
  return buf;
}

// Parsed files, per folder and split: parsing 60k images takes ~0.7 s, once per process.
const raw = new Map<string, { pixels: Uint8Array; labels: Uint8Array }>();

/** One file parsed; a file that passed its checksum but is not IDX (a custom folder's own sums) names the fix. */
function parseFile(dir: string, name: string) {
  try {
    return parseIdx(readVerified(dir, name), path.join(dir, name));
  } catch (e) {
    if (e instanceof IdxFormatError) throw new MnistDataError(`${e.message.replace(/\.$/, '')}; ${restoreHint(dir, name)}.`);
    throw e;
  }
}

function loadRaw(split: Split) {
  if (!(split in FILES)) throw new MnistDataError(`split '${split}' is not 'train' or 'test'.`);
  const dir = mnistDir();
  let r = raw.get(`${dir}:${split}`);
  if (!r) {
    const img = parseFile(dir, FILES[split].images);
    const lab = parseFile(dir, FILES[split].labels);
    if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28 || lab.dims[0] !== img.dims[0]) {
      throw new MnistDataError(`MNIST ${split} files in ${dir} disagree: images ${img.dims}, labels ${lab.dims}; ${restoreHint(dir, `${FILES[split].images} and ${FILES[split].labels}`)}.`);
    }
    r = { pixels: img.data, labels: lab.data };
    raw.set(`${dir}:${split}`, r);
  }
  return r;
}

function gather(split: Split, indices: ArrayLike<number>): Dataset {
  const { pixels, labels } = loadRaw(split);
  const n = indices.length;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    const src = pixels.subarray(j * 784, (j + 1) * 784);
    for (let p = 0; p < 784; p++) x[i * 784 + p] = src[p] / 255;
    y[i] = labels[j];
  }
  return { images: tf.tensor4d(x, [n, 28, 28, 1]), labels: y, n };
}

export const splitSize = (split: Split): number => loadRaw(split).labels.length;

/**
 * Load a split. `limit` takes the first n (in file order, or after a seeded shuffle when `seed` is
 * given), so quick profiles train on a subset.
 */
export function loadMnist(split: Split, opts: { limit?: number; seed?: number } = {}): Dataset {
  if (opts.limit !== undefined) assertNumber(opts.limit, 'loadMnist limit', { integer: true, min: 1 }, 'the number of images to take, or leave it out for the whole split.', MnistDataError);
  if (opts.seed !== undefined) assertNumber(opts.seed, 'loadMnist seed', { integer: true }, 'any whole number, or leave it out for file order.', MnistDataError);
  const total = splitSize(split);
  const n = Math.min(opts.limit ?? total, total);
  const order = Int32Array.from({ length: total }, (_, i) => i);
  if (opts.seed !== undefined) makeRng(opts.seed).shuffle(order);
  return gather(split, order.subarray(0, n));
}

/** k images of every class (10k in all, ordered 0,0,..,1,1,..), chosen by a seeded shuffle. */
export function perClass(split: Split, k: number, seed: number): Dataset {
  assertNumber(k, 'perClass k', { integer: true, min: 1 }, 'the number of images of each class, e.g. 10.', MnistDataError);
  assertNumber(seed, 'perClass seed', { integer: true }, 'any whole number, e.g. the run seed.', MnistDataError);
  const { labels } = loadRaw(split);
  const order = makeRng(seed).shuffle(Int32Array.from({ length: labels.length }, (_, i) => i)) as Int32Array;
  const picked: number[][] = Array.from({ length: 10 }, () => []);
  for (const j of order) if (picked[labels[j]].length < k) picked[labels[j]].push(j);
  if (picked.some((p) => p.length < k)) throw new MnistDataError(`the ${split} split has fewer than ${k} images of some class; lower k.`);
  return gather(split, picked.flat());
}

/** The dataset's mean image μ [1,28,28,1] (paper 004's prior). */
export function meanImage(ds: Dataset): tf.Tensor4D {
  if (!(ds?.images?.shape[0] > 0)) throw new MnistDataError('meanImage: the dataset holds no images; load some with loadMnist.');
  return tf.tidy(() => ds.images.mean(0, true) as tf.Tensor4D);
}

/** One-hot labels [n,10]. */
export function oneHot(labels: Int32Array, classes = 10): tf.Tensor2D {
  // tf.oneHot gives an all-zero row for a label out of range: name it instead.
  labels.forEach((l, i) => { if (!(Number.isInteger(l) && l >= 0 && l < classes)) throw new MnistDataError(`oneHot: label ${l} at index ${i} is not a class 0..${classes - 1}; fix the label list.`); });
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D);
}

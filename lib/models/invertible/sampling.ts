import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../../data/mnist';
import { makeRng } from '../../tensor/rng';
import { Inverter, InvertibleMlp, PIXELS } from './mlp';

/** Noise n ~ N(2a, 1), 784 values per requested label a: what the slides run backwards. */
export function targetNoise(labels: Int32Array, seed: number): tf.Tensor2D {
  const rng = makeRng(seed);
  const out = new Float32Array(labels.length * PIXELS);
  for (let i = 0; i < labels.length; i++) out.set(rng.normals(PIXELS, 2 * labels[i], 1), i * PIXELS);
  return tf.tensor2d(out, [labels.length, PIXELS]);
}

/** `perDigit` generated images of every digit 0–9 (ordered 0,0,…,1,1,…), raw (not clipped to [0,1]). */
export function generateDigits(inv: Inverter, perDigit: number, seed: number): { images: tf.Tensor4D; labels: Int32Array; seconds: number } {
  const labels = Int32Array.from({ length: 10 * perDigit }, (_, i) => Math.floor(i / perDigit));
  const noise = targetNoise(labels, seed);
  const start = Date.now();
  try {
    const x = inv.inverse(noise);
    const images = x.reshape([labels.length, 28, 28, 1]) as tf.Tensor4D;
    x.dispose();
    return { images, labels, seconds: (Date.now() - start) / 1000 };
  } finally {
    noise.dispose();
  }
}

/** max |x − inverse(apply(x))| over the images: the round-trip error of the exact inverse in float32. */
export function roundTripMaxError(net: InvertibleMlp, inv: Inverter, x: tf.Tensor): number {
  const y = net.apply(x);
  const back = inv.inverse(y);
  const e = tf.tidy(() => tf.max(tf.abs(tf.sub(back, x.reshape([-1, PIXELS])))));
  const v = e.dataSync()[0];
  tf.dispose([y, back, e]);
  return v;
}

export interface EmbeddingStats {
  digit: number;
  images: number;
  /** The target: 2a and 1. */
  targetMean: number;
  /** Mean over the class's images of the per-image mean / unbiased variance of the 784 outputs. */
  mean: number;
  variance: number;
}

/** Per-class mean and variance of the embeddings, against the N(2a, 1) target. */
export function embeddingStats(net: InvertibleMlp, ds: Dataset): EmbeddingStats[] {
  const r = tf.tidy(() => {
    const n = net.apply(ds.images);
    const mean = tf.mean(n, 1);
    const variance = tf.div(tf.sum(tf.square(tf.sub(n, mean.reshape([-1, 1]))), 1), PIXELS - 1);
    return [mean, variance];
  });
  const [m, v] = r.map((t) => t.dataSync());
  tf.dispose(r);
  const rows: EmbeddingStats[] = [];
  for (let d = 0; d < 10; d++) {
    let k = 0;
    let sm = 0;
    let sv = 0;
    for (let i = 0; i < ds.n; i++) {
      if (ds.labels[i] !== d) continue;
      k++;
      sm += m[i];
      sv += v[i];
    }
    if (k > 0) rows.push({ digit: d, images: k, targetMean: 2 * d, mean: sm / k, variance: sv / k });
  }
  return rows;
}

import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/mnist';
import { minMaxPerImage } from '../tensor/rescale';
import { pearson } from './stats';

/** The mean image of every class 0–9 of a dataset: [10,28,28,1]. */
export function classMeanImages(ds: Dataset): tf.Tensor4D {
  return tf.tidy(() => tf.stack(Array.from({ length: 10 }, (_, d) => tf.gather(ds.images, Array.from(ds.labels).flatMap((l, i) => (l === d ? [i] : []))).mean(0)))) as tf.Tensor4D;
}

export interface Randomness {
  'pixel entropy (bits)': number;
  'neighbour correlation': number;
  'distance to class mean': number;
}

/**
 * How noise-like images [n,28,28,1] are (paper 001's "randomness grows with depth"), each image
 * min–max rescaled first, averaged over the images: the entropy of a 16-bin pixel histogram; the
 * correlation of horizontally and vertically neighbouring pixels (high for strokes, ≈ 0 for noise);
 * and √(2(1 − r)) for r the correlation with the mean image of its target class (`classMeans`
 * [10,28,28,1], e.g. classMeanImages(train)).
 */
export function randomness(images: tf.Tensor4D, targets: Int32Array, classMeans: tf.Tensor): Randomness {
  const x = minMaxPerImage(images);
  const n = x.shape[0];
  const px = x.dataSync();
  const muT = tf.tidy(() => tf.gather(classMeans, Array.from(targets)).reshape([n, 784]));
  const mu = muT.dataSync();
  muT.dispose();
  const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => pearson(a, b, 1e-12);
  let ent = 0;
  let nb = 0;
  let dist = 0;
  for (let k = 0; k < n; k++) {
    const img = px.subarray(k * 784, (k + 1) * 784);
    const h = new Array(16).fill(0);
    img.forEach((v) => h[Math.min(15, Math.floor(v * 16))]++);
    ent -= h.reduce((s, c) => (c ? s + (c / 784) * Math.log2(c / 784) : s), 0);
    const left: number[] = [];
    const right: number[] = [];
    const up: number[] = [];
    const down: number[] = [];
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        if (c < 27) { left.push(img[r * 28 + c]); right.push(img[r * 28 + c + 1]); }
        if (r < 27) { up.push(img[r * 28 + c]); down.push(img[(r + 1) * 28 + c]); }
      }
    }
    nb += (corr(left, right) + corr(up, down)) / 2;
    dist += Math.sqrt(Math.max(0, 2 * (1 - corr(img, mu.subarray(k * 784, (k + 1) * 784)))));
  }
  x.dispose();
  return { 'pixel entropy (bits)': ent / n, 'neighbour correlation': nb / n, 'distance to class mean': dist / n };
}

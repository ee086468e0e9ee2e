import * as tf from '@tensorflow/tfjs';

/**
 * Min–max rescaling to [0, 1], as matplotlib's imshow shows an image: generated images and
 * embeddings are compared by shape, not by their raw range. A constant input maps to 0.
 */

/** Each image of x [n,h,w,c] rescaled by its own minimum and maximum (a new tensor; the caller disposes). */
export function minMaxPerImage(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const lo = x.min([1, 2, 3], true);
    const hi = x.max([1, 2, 3], true);
    return tf.div(tf.sub(x, lo), tf.maximum(tf.sub(hi, lo), 1e-12)) as tf.Tensor4D;
  });
}

/** One vector rescaled by its minimum and maximum (a new array). */
export function minMaxScale(v: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  v.forEach((a) => {
    lo = Math.min(lo, a);
    hi = Math.max(hi, a);
  });
  return v.map((a) => (a - lo) / Math.max(hi - lo, 1e-12));
}

/** The first `count` rows of t (all by default) as arrays of its per-row values, e.g. images for digitGrid. */
export function firstRows(t: tf.Tensor, count = t.shape[0]): Float32Array[] {
  const per = t.size / t.shape[0];
  const d = t.dataSync() as Float32Array;
  return Array.from({ length: Math.min(count, t.shape[0]) }, (_, i) => d.slice(i * per, (i + 1) * per));
}

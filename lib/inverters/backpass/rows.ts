import * as tf from '@tensorflow/tfjs';

/** The values of a tensor made by `f`, which is disposed (tf.tidy alone would leak the result). */
export function readValues(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** The rows of t whose entry in `ok` is true (ok is a JS array, one entry per row). */
export function keepRows(t: tf.Tensor2D, ok: boolean[]): tf.Tensor2D {
  const idx = ok.flatMap((k, i) => (k ? [i] : []));
  return tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32')));
}

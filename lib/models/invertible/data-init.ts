import * as tf from '@tensorflow/tfjs';
import { InvertibleMlp, PIXELS } from './mlp';

/**
 * Data-dependent initialisation, as Glow's ActNorm does it (Kingma & Dhariwal 2018, §3.1): scale and
 * shift every block so that, on a batch of (transformed) training inputs x, each of its 784 inputs
 * h enters standardised:
 *     z_k = ((h − m) / s) Q_k  ⇒  W_k ← diag(1/s) Q_k,  B_k ← −(m/s) Q_k
 * with m, s the per-unit mean and standard deviation on the batch and Q_k the orthogonal plain init.
 * For a flow this is most of the likelihood at once: a pixel that is nearly constant (the border,
 * which dequantisation leaves with s ≈ 0.02 after the logit) gets a large log|det W₁| = −Σ log s.
 * With a learned prior the class means μ_a start at the mean output of the class's images.
 * `minStd` keeps s away from 0 for inputs without noise (raw pixels). Returns Σ log(1/s) over blocks.
 */
export function dataInit(net: InvertibleMlp, x: tf.Tensor, labels: Int32Array, minStd = 1e-3): number {
  const rows = x.reshape([x.shape[0], PIXELS]);
  let total = 0;
  // Block by block, as ActNorm before every layer: standardise what block k receives on this batch.
  let h: tf.Tensor2D = rows.clone() as tf.Tensor2D;
  for (let k = 0; k < net.weights.length; k++) {
    const { w, b, logScale, next } = tf.tidy(() => {
      const { mean, variance } = tf.moments(h, 0);
      const s = tf.maximum(tf.sqrt(variance), minStd);
      const q = net.weights[k];
      const w = tf.div(q, s.reshape([PIXELS, 1]));
      const b = tf.neg(tf.matMul(tf.div(mean, s).reshape([1, PIXELS]), q)).reshape([PIXELS]);
      const z = tf.add(tf.matMul(h, w), b);
      const slope = net.options.slope;
      return { w, b, logScale: tf.sum(tf.neg(tf.log(s))), next: slope === null ? z : tf.leakyRelu(z, slope) };
    });
    net.weights[k].assign(w as tf.Tensor2D);
    net.biases[k].assign(b as tf.Tensor1D);
    total += logScale.dataSync()[0];
    tf.dispose([w, b, logScale, h]);
    h = next as tf.Tensor2D;
  }
  h.dispose();
  if (net.options.prior === 'learned') {
    const y = net.apply(rows);
    const sums = tf.tidy(() => tf.unsortedSegmentSum(y, tf.tensor1d(labels, 'int32'), 10));
    const counts = new Float32Array(10);
    labels.forEach((a) => counts[a]++);
    const mu = tf.tidy(() => {
      const c = tf.tensor2d(counts, [10, 1]);
      // A class without images keeps its 2a start.
      return tf.where(tf.greater(c, 0).tile([1, PIXELS]), tf.div(sums, tf.maximum(c, 1)), net.means);
    });
    net.means.assign(mu as tf.Tensor2D);
    tf.dispose([y, sums, mu]);
  }
  if (rows !== x) rows.dispose();
  return total;
}

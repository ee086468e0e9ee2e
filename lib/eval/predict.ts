import * as tf from '@tensorflow/tfjs';
import { Net } from '../models/net';

/** Softmax probabilities [n,10] of a logits classifier, in batches (bounded memory). */
export function probabilities(net: Net, images: tf.Tensor, batch = 256): tf.Tensor2D {
  const n = images.shape[0];
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i += batch) {
    parts.push(tf.tidy(() => tf.softmax(net.apply(images.slice(i, Math.min(batch, n - i))))));
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** Fraction of images whose arg-max class equals the label. */
export function accuracy(net: Net, images: tf.Tensor, labels: Int32Array, batch = 256): number {
  const p = probabilities(net, images, batch);
  const pred = tf.tidy(() => p.argMax(1));
  const guess = pred.dataSync();
  tf.dispose([p, pred]);
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (guess[i] === labels[i]) hit++;
  return hit / labels.length;
}

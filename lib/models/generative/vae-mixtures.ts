import * as tf from '@tensorflow/tfjs';
import { Dataset, oneHot } from '../../data/mnist';
import { makeRng } from '../../tensor/rng';
import { Vae } from './vae';

export interface MixturePair {
  i: number;
  j: number;
  a: number;
}

/**
 * Intermediate classes (thesis eq. 3.3): for random pairs of training digits, decode
 * z = α·μ(x_i) + (1 − α)·μ(x_j) and label it with the soft vector α·e(y_i) + (1 − α)·e(y_j).
 */
export function vaeMixtures(vae: Vae, data: Dataset, count: number, seed: number): { images: tf.Tensor4D; soft: tf.Tensor2D; pairs: MixturePair[] } {
  const rng = makeRng(seed);
  const pairs = Array.from({ length: count }, () => ({ i: rng.int(data.n), j: rng.int(data.n), a: rng.uniform() }));
  const out = tf.tidy(() => {
    const mu = vae.encode(data.images).mu;
    const alpha = tf.tensor2d(pairs.map((p) => p.a), [pairs.length, 1]);
    const pick = (k: 'i' | 'j') => Int32Array.from(pairs, (p) => p[k]);
    const z = alpha.mul(tf.gather(mu, pick('i'))).add(tf.scalar(1).sub(alpha).mul(tf.gather(mu, pick('j'))));
    const label = (k: 'i' | 'j') => oneHot(Int32Array.from(pairs, (p) => data.labels[p[k]]));
    const soft = alpha.mul(label('i')).add(tf.scalar(1).sub(alpha).mul(label('j')));
    return { images: vae.decode(z) as tf.Tensor4D, soft: soft as tf.Tensor2D };
  });
  return { ...out, pairs };
}

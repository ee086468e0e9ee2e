import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../data/mnist';
import { makeRng } from '../tensor/rng';
import { Judge } from './judge';
import { uniformNoise } from './scores';

/** Smooth noise: 7×7 uniform noise upsampled bilinearly to 28×28 (blobs, no strokes). */
export function blurredNoise(n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.image.resizeBilinear(tf.randomUniform([n, 7, 7, 1], 0, 1, 'float32', seed) as tf.Tensor4D, [28, 28]));
}

/** n seeded test digits with their pixels permuted (one permutation): a digit's ink without its shape. */
export function permutedDigits(n: number, seed: number): tf.Tensor4D {
  const d = loadMnist('test', { limit: n, seed });
  const perm = makeRng(seed).shuffle(Array.from({ length: 784 }, (_, i) => i)) as number[];
  const out = tf.tidy(() => tf.gather(d.images.reshape([n, 784]), tf.tensor1d(perm, 'int32'), 1).reshape([n, 28, 28, 1])) as tf.Tensor4D;
  d.images.dispose();
  return out;
}

/** Mean of each row's largest probability: 0.1 is a judge that says "no digit", 1 a confident one. */
export function meanTopProb(judge: Judge, images: tf.Tensor4D): number {
  const p = judge.probs(images);
  const m = tf.tidy(() => p.max(1).mean());
  const v = m.dataSync()[0];
  tf.dispose([p, m]);
  return v;
}

/**
 * A judge's noise calibration: mean top probability on 500 images each of uniform noise, blurred
 * noise and pixel-permuted digits (seeded). A judge that scores generators must stay near 0.1 here.
 */
export function judgeCalibration(judge: Judge, seed = 101): { uniformNoise: number; blurredNoise: number; permutedDigits: number } {
  const sets = { uniformNoise: uniformNoise(500, seed), blurredNoise: blurredNoise(500, seed + 1), permutedDigits: permutedDigits(500, seed + 2) };
  const out = {
    uniformNoise: meanTopProb(judge, sets.uniformNoise),
    blurredNoise: meanTopProb(judge, sets.blurredNoise),
    permutedDigits: meanTopProb(judge, sets.permutedDigits),
  };
  tf.dispose(Object.values(sets));
  return out;
}

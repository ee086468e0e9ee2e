import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../tensor/guards';
import { Judge } from './judge';

/**
 * The judge's probability of each image's intended class, images clipped to [0, 1] first (what the
 * judge was trained on): one value per image, e.g. for paired comparisons of two inversions of the
 * same tiles.
 */
export function judgeTargetProbs(judge: Judge, images: tf.Tensor, targets: Int32Array): Float32Array {
  if (images.shape[0] !== targets.length) throw new ShapeError(`${images.shape[0]} images but ${targets.length} targets; give one target class per image.`);
  const p = tf.tidy(() => judge.probs(images.clipByValue(0, 1)));
  const d = p.dataSync();
  p.dispose();
  return Float32Array.from(targets, (t, i) => d[10 * i + t]);
}

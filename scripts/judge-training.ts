/** What both judges' trainers share (scripts/train-judge.ts, scripts/train-judge-mlp.ts): noise calibration and test accuracy. */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { stableJson } from '../lib/train/cache';
import { makeRng } from '../lib/tensor/rng';

/** Structureless images in [0,1]: noise of random amplitude, smooth blobs, and digits with their pixels permuted. */
export function outliers(digits: tf.Tensor, k: number, rng: ReturnType<typeof makeRng>): tf.Tensor4D {
  const third = Math.ceil(k / 3);
  const noise = tf.randomUniform([third, 28, 28, 1], 0, 1, 'float32', rng.seed()).mul(tf.randomUniform([third, 1, 1, 1], 0.2, 1, 'float32', rng.seed()));
  const blobs = tf.image.resizeBilinear(tf.randomUniform([third, 7, 7, 1], 0, 1, 'float32', rng.seed()) as tf.Tensor4D, [28, 28]);
  const perm = rng.shuffle(Array.from({ length: 784 }, (_, i) => i)) as number[];
  const m = Math.min(k - 2 * third, digits.shape[0]);
  const permuted = tf.gather(digits.slice(0, m).reshape([m, 784]), tf.tensor1d(perm, 'int32'), 1).reshape([m, 28, 28, 1]);
  return tf.concat([noise, blobs, permuted]) as tf.Tensor4D;
}

/** Cross-entropy of logits against the uniform distribution over the 10 classes. */
export const uniformCrossEntropy = (logits: tf.Tensor): tf.Scalar => tf.logSumExp(logits, 1).sub(logits.mean(1)).mean() as tf.Scalar;

/** Fraction of `labels` the logits of `forward` get right, in batches of 500. */
export function testAccuracy(forward: (x: tf.Tensor) => tf.Tensor2D, x: tf.Tensor4D, labels: Int32Array): number {
  let hit = 0;
  for (let i = 0; i < labels.length; i += 500) {
    const pred = tf.tidy(() => forward(x.slice(i, Math.min(500, labels.length - i))).argMax(1));
    const p = pred.dataSync();
    pred.dispose();
    for (let j = 0; j < p.length; j++) if (p[j] === labels[i + j]) hit++;
  }
  return hit / labels.length;
}

/**
 * Trained once: true (and says so) when `out` already holds a judge of this architecture and
 * training configuration, after `load` has checked its weights (it throws if they are corrupt).
 */
export async function alreadyTrained(out: string, architecture: unknown, training: unknown, load: (dir: string) => Promise<unknown>): Promise<boolean> {
  const existing = path.join(out, 'model.json');
  if (process.argv.includes('--force') || !fs.existsSync(existing)) return false;
  const old = JSON.parse(fs.readFileSync(existing, 'utf8')).userDefinedMetadata?.judge as { architecture: unknown; training: unknown; testAccuracy: number } | undefined;
  if (!old || stableJson({ a: old.architecture, t: old.training }) !== stableJson({ a: architecture, t: training })) return false;
  await load(out);
  console.log(`${out} already holds this judge (test accuracy ${(old.testAccuracy * 100).toFixed(2)} %); --force trains it again.`);
  return true;
}

/** The options both trainers take: --epochs (default: one per learning rate), --limit (training images), --out. */
export function trainerArgs(arg: (name: string) => string | undefined, lrPerEpoch: number[], defaultOut: string): { epochs: number; limit?: number; out: string; lrs: number[] } {
  const epochs = Number(arg('epochs') ?? lrPerEpoch.length);
  const limit = arg('limit') ? Number(arg('limit')) : undefined;
  const lrs = Array.from({ length: epochs }, (_, e) => lrPerEpoch[Math.min(e, lrPerEpoch.length - 1)]);
  return { epochs, limit, out: arg('out') ?? defaultOut, lrs };
}

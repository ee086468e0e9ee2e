import * as tf from '@tensorflow/tfjs';
import { Rng } from '../tensor/rng';

export interface JudgeCnnOptions {
  seed: number;
  /** Filters of the two conv blocks (two 3×3 convs each) and units of the penultimate dense layer. */
  filters?: [number, number];
  hidden?: number;
}

/** Name of the penultimate (feature) layer: the judge's "MNIST FID" features are its outputs. */
export const JUDGE_FEATURE_LAYER = 'judge_features';

/**
 * The judge: a VGG-style CNN, deeper and wider than the classifiers that get inverted (which have
 * one conv per block and a 128-unit head), so images that only fool those do not fool it:
 *   conv32·conv32 (3×3, ReLU) – maxpool 2 – [dropout] – conv64·conv64 – maxpool 2 – [dropout] –
 *   dense256 (ReLU, the feature layer) – [dropout] – dense10 (logits).
 * 'valid' convs: 28 → 26 → 24 → 12 → 10 → 8 → 4, so 4·4·64 = 1,024 flattened features.
 * Dropout is not a layer: tf.layers.dropout with a seed draws the same mask at every step, so
 * `judgeForward` applies it with a fresh seed from the caller's Rng per step (seeded and varying).
 */
export function createJudgeCnn(o: JudgeCnnOptions): tf.Sequential {
  const [f1, f2] = o.filters ?? [32, 64];
  const hidden = o.hidden ?? 256;
  const init = (i: number) => tf.initializers.heNormal({ seed: o.seed * 1000 + i });
  const conv = (name: string, filters: number, i: number, first = false) =>
    tf.layers.conv2d({ name, filters, kernelSize: 3, activation: 'relu', kernelInitializer: init(i), ...(first ? { inputShape: [28, 28, 1] } : {}) });
  return tf.sequential({
    name: 'judge_cnn',
    layers: [
      conv('judge_conv1a', f1, 0, true),
      conv('judge_conv1b', f1, 1),
      tf.layers.maxPooling2d({ name: 'judge_pool1', poolSize: 2 }),
      conv('judge_conv2a', f2, 2),
      conv('judge_conv2b', f2, 3),
      tf.layers.maxPooling2d({ name: 'judge_pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'judge_flatten' }),
      tf.layers.dense({ name: JUDGE_FEATURE_LAYER, units: hidden, activation: 'relu', kernelInitializer: init(4) }),
      tf.layers.dense({ name: 'judge_logits', units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed * 1000 + 5 }) }),
    ],
  });
}

/** Dropout rates after each pooling layer and after the feature layer (training only). */
export interface JudgeDropout {
  rates: { pool: number; features: number };
  rng: Rng;
}

/**
 * Logits and penultimate features of the judge. With `dropout`, masks are drawn after each pool
 * and after the feature layer (inverted dropout: kept units scaled by 1/(1−rate)).
 */
export function judgeForward(model: tf.LayersModel, x: tf.Tensor, dropout?: JudgeDropout): { logits: tf.Tensor2D; features: tf.Tensor2D } {
  let h = x;
  let features: tf.Tensor | null = null;
  for (const layer of model.layers) {
    h = layer.apply(h) as tf.Tensor;
    if (dropout && layer.name.startsWith('judge_pool')) h = tf.dropout(h, dropout.rates.pool, undefined, dropout.rng.seed());
    if (layer.name === JUDGE_FEATURE_LAYER) {
      features = h;
      if (dropout) h = tf.dropout(h, dropout.rates.features, undefined, dropout.rng.seed());
    }
  }
  return { logits: h as tf.Tensor2D, features: features as tf.Tensor2D };
}

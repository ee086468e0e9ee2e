import * as tf from '@tensorflow/tfjs';
import { Rng } from '../tensor/rng';

export interface JudgeMlpOptions {
  seed: number;
  /** Units of the two hidden dense layers; the second is the feature layer. */
  hidden?: [number, number];
}

/** Name of the second judge's feature layer (its "MNIST FID" features). */
export const JUDGE_MLP_FEATURE_LAYER = 'judge2_features';

/**
 * The second judge: a multilayer perceptron, a different family from the first judge's CNN, so
 * the two do not share the inductive bias (local filters, pooling) an inverted CNN may exploit:
 *   flatten 784 – [dropout] – dense512 (ReLU) – [dropout] – dense256 (ReLU, features) – [dropout] – dense10 (logits).
 * Dropout is applied by `judgeMlpForward` with a fresh seed per step, as in judge-cnn.ts.
 * Never used to generate anything: only lib/eval reads it.
 */
export function createJudgeMlp(o: JudgeMlpOptions): tf.Sequential {
  const [h1, h2] = o.hidden ?? [512, 256];
  const init = (i: number) => tf.initializers.heNormal({ seed: o.seed * 1000 + i });
  return tf.sequential({
    name: 'judge_mlp',
    layers: [
      tf.layers.flatten({ name: 'judge2_flatten', inputShape: [28, 28, 1] }),
      tf.layers.dense({ name: 'judge2_dense1', units: h1, activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.dense({ name: JUDGE_MLP_FEATURE_LAYER, units: h2, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ name: 'judge2_logits', units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed * 1000 + 2 }) }),
    ],
  });
}

/** Dropout rates on the input pixels and after each hidden layer (training only). */
export interface JudgeMlpDropout {
  rates: { input: number; hidden: number };
  rng: Rng;
}

/** Logits and feature-layer outputs of the MLP judge; with `dropout`, masks are drawn (inverted dropout). */
export function judgeMlpForward(model: tf.LayersModel, x: tf.Tensor, dropout?: JudgeMlpDropout): { logits: tf.Tensor2D; features: tf.Tensor2D } {
  const [flatten, dense1, feature, logits] = model.layers;
  const drop = (h: tf.Tensor, rate: number): tf.Tensor => (dropout && rate > 0 ? tf.dropout(h, rate, undefined, dropout.rng.seed()) : h);
  const rates = dropout?.rates ?? { input: 0, hidden: 0 };
  const h1 = dense1.apply(drop(flatten.apply(x) as tf.Tensor, rates.input)) as tf.Tensor;
  const features = feature.apply(drop(h1, rates.hidden)) as tf.Tensor2D;
  return { logits: logits.apply(drop(features, rates.hidden)) as tf.Tensor2D, features };
}

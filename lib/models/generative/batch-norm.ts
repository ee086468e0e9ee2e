import * as tf from '@tensorflow/tfjs';
import { Params } from './params';

/** Batch normalisation for the hand-written generators (both GANs): γ, β trained; running mean and variance as state. */
export interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}

/** A batch's moments of one normalised layer, kept to update that layer's running averages. */
export interface BatchStats {
  bn: BatchNorm;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

const MOMENTUM = 0.9;
const EPS = 1e-5;

export const batchNormParams = (p: Params, width: number): BatchNorm => ({ gamma: p.ones([width]), beta: p.zeros([width]), mean: p.state([width], 0), variance: p.state([width], 1) });

/**
 * γ (h − μ)/√(σ² + ε) + β, with the batch's moments over `axes` when training (pushed to `stats`)
 * and the running averages otherwise.
 */
export function batchNorm(h: tf.Tensor, bn: BatchNorm, axes: number[], training: boolean, stats?: BatchStats[]): tf.Tensor {
  const m = training ? tf.moments(h, axes) : { mean: bn.mean, variance: bn.variance };
  stats?.push({ bn, ...m });
  return tf.add(tf.mul(tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, EPS))), bn.gamma), bn.beta);
}

/**
 * Move each layer's running averages toward its batch moments (momentum 0.9): `forward` runs the
 * generator in training mode, pushing every normalised layer's moments to the list it is given.
 */
export function updateRunningStats(forward: (stats: BatchStats[]) => unknown): void {
  tf.tidy(() => {
    const stats: BatchStats[] = [];
    forward(stats);
    for (const s of stats) {
      s.bn.mean.assign(tf.add(tf.mul(s.bn.mean, MOMENTUM), tf.mul(tf.reshape(s.mean, s.bn.mean.shape), 1 - MOMENTUM)));
      s.bn.variance.assign(tf.add(tf.mul(s.bn.variance, MOMENTUM), tf.mul(tf.reshape(s.variance, s.bn.variance.shape), 1 - MOMENTUM)));
    }
  });
}

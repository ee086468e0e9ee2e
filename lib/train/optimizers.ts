import * as tf from '@tensorflow/tfjs';

export type OptimizerName = 'sgd' | 'momentum' | 'adam';

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** For 'momentum' (SGD with momentum, paper 001: 0.9). */
  momentum?: number;
}

/** Optimisers by name, so a notebook's config cell can say { name: 'momentum', lr: 1e-3, momentum: 0.9 }. */
export function makeOptimizer(c: OptimizerConfig): tf.Optimizer {
  if (!(c.lr > 0)) throw new Error(`learning rate ${c.lr} must be positive; fix the optimizer config.`);
  switch (c.name) {
    case 'sgd':
      return tf.train.sgd(c.lr);
    case 'momentum':
      return tf.train.momentum(c.lr, c.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(c.lr);
    default:
      throw new Error(`optimizer "${(c as OptimizerConfig).name}" is unknown; use sgd, momentum or adam.`);
  }
}

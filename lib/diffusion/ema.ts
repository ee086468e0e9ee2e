import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../tensor/guards';

/**
 * An exponential moving average of weights (Ho et al. sample DDPMs from an EMA of the weights):
 * ema ← decay · ema + (1 − decay) · w after every step. `swap()` exchanges the live weights and the
 * averages (call it twice to go back), so sampling can use the averages mid-training.
 */
export interface Ema {
  update(): void;
  swap(): void;
  dispose(): void;
}

export function createEma(vars: tf.Variable[], decay: number): Ema {
  if (!(decay >= 0 && decay < 1)) throw new ValueRangeError(`EMA decay ${decay} must be in [0, 1) (e.g. 0.99).`);
  const avg = vars.map((v) => {
    const copy = v.clone();
    const a = tf.variable(copy, false);
    copy.dispose(); // the variable keeps its own reference to the data
    return a;
  });
  return {
    update: () => tf.tidy(() => avg.forEach((a, i) => a.assign(tf.add(tf.mul(a, decay), tf.mul(vars[i], 1 - decay))))),
    swap: () => tf.tidy(() => vars.forEach((v, i) => {
      const live = v.clone();
      v.assign(avg[i]);
      avg[i].assign(live);
    })),
    dispose: () => tf.dispose(avg),
  };
}

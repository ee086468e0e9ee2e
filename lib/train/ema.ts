import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../tensor/guards';

/**
 * An exponential moving average of weights (Polyak averaging; timm's ModelEma), updated after
 * every optimiser step through trainLoop's onStep hook:
 *   θ̄ ← d_t θ̄ + (1 − d_t) θ,   d_t = decay · min(1, t / warmup).
 * The linear warm-up of the decay (paper 001: 500 iterations) keeps the early, poor weights from
 * dominating the average; with d_t = 0 at t = 0 the average starts as a copy of the weights.
 */
export class WeightEma {
  private readonly shadow: tf.Variable[];
  private steps = 0;

  constructor(private readonly vars: tf.Variable[], readonly decay = 0.9998, readonly warmup = 500) {
    if (!(decay >= 0 && decay < 1)) throw new ValueRangeError(`WeightEma: decay=${decay} must be in [0, 1) (timm uses 0.9998).`);
    if (!(warmup >= 0)) throw new ValueRangeError(`WeightEma: warmup=${warmup} must be ≥ 0 iterations.`);
    this.shadow = vars.map((v) => {
      const copy = v.clone();
      const s = tf.variable(copy, false);
      copy.dispose(); // the variable keeps its own reference to the data
      return s;
    });
  }

  /** The decay used at step t (1-based). */
  decayAt(t: number): number {
    return this.warmup === 0 ? this.decay : this.decay * Math.min(1, t / this.warmup);
  }

  /** Call after each optimiser step (trainLoop({ onStep: () => ema.update() })). */
  update(): void {
    this.steps++;
    const d = this.decayAt(this.steps);
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(this.vars[i], 1 - d)))));
  }

  get updates(): number {
    return this.steps;
  }

  /** Copies of the averaged weights (the caller disposes), in the order of `vars`. */
  weights(): tf.Tensor[] {
    return this.shadow.map((s) => s.clone());
  }

  /**
   * Exchange the live weights and the averages (call again to go back): sample or evaluate with the
   * averages in the middle of training (DDPMs are sampled from the average, Ho et al. 2020).
   */
  swap(): void {
    tf.tidy(() => this.vars.forEach((v, i) => {
      const live = v.clone();
      v.assign(this.shadow[i]);
      this.shadow[i].assign(live);
    }));
  }

  /** Write the average into the live variables (e.g. before evaluating or saving). */
  copyToVars(): void {
    this.shadow.forEach((s, i) => this.vars[i].assign(s));
  }

  dispose(): void {
    this.shadow.forEach((s) => s.dispose());
  }
}

import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../tensor/guards';

export interface AdamWConfig {
  lr: number;
  /** Decoupled weight decay λ (timm / PyTorch default 0.05 for ViTs; 0.01 is AdamW's default). */
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decay only weights of rank ≥ 2 (matrices), not biases, LayerNorm gains or embeddings' 1-D parts — timm's default. */
  decayMatricesOnly?: boolean;
  /** Learning-rate warm-up: η rises linearly from η/warmupSteps to η over these steps (default 0: none). */
  warmupSteps?: number;
  /** With totalSteps, η then follows a half cosine from η down to 0 at step totalSteps (DeiT's schedule); default: constant. */
  totalSteps?: number;
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with the weight decay taken out of the gradient,
 *   θ_t = θ_{t−1} − η (m̂_t / (√v̂_t + ε) + λ θ_{t−1}).
 * tfjs has Adam but not AdamW: this subclass shrinks each variable by (1 − ηλ) and then lets Adam
 * apply its step. The Adam step does not depend on θ, so this order gives the equation exactly.
 */
export class AdamW extends tf.AdamOptimizer {
  readonly weightDecay: number;
  private readonly matricesOnly: boolean;
  private readonly lr: number;
  private readonly warmupSteps: number;
  private readonly totalSteps: number;
  private step = 0;

  constructor(c: AdamWConfig) {
    if (!(c.lr > 0)) throw new ValueRangeError(`AdamW: lr=${c.lr} must be > 0 (ViTs commonly use 1e-3 to 5e-4).`);
    if (!(c.weightDecay >= 0)) throw new ValueRangeError(`AdamW: weightDecay=${c.weightDecay} must be ≥ 0 (0.05 is usual for ViTs).`);
    super(c.lr, c.beta1 ?? 0.9, c.beta2 ?? 0.999, c.epsilon ?? 1e-8);
    this.lr = c.lr;
    this.weightDecay = c.weightDecay;
    this.matricesOnly = c.decayMatricesOnly ?? true;
    this.warmupSteps = c.warmupSteps ?? 0;
    this.totalSteps = c.totalSteps ?? 0;
    if (!(Number.isInteger(this.warmupSteps) && this.warmupSteps >= 0)) throw new ValueRangeError(`AdamW: warmupSteps=${c.warmupSteps} must be a whole number ≥ 0.`);
    if (!(Number.isInteger(this.totalSteps) && this.totalSteps >= 0) || (this.totalSteps > 0 && this.totalSteps <= this.warmupSteps)) {
      throw new ValueRangeError(`AdamW: totalSteps=${c.totalSteps} must be 0 (no decay) or a whole number above warmupSteps=${this.warmupSteps}.`);
    }
  }

  /** η at step t (1-based): linear warm-up, then a half cosine to 0 at totalSteps (if given). */
  lrAt(t: number): number {
    const warm = this.warmupSteps > 0 ? Math.min(1, t / this.warmupSteps) : 1;
    if (this.totalSteps === 0) return this.lr * warm;
    const progress = Math.min(1, Math.max(0, (t - this.warmupSteps) / (this.totalSteps - this.warmupSteps)));
    return this.lr * warm * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    // tfjs's Adam reads this.learningRate on every call, so the schedule is set here.
    this.learningRate = this.lrAt(++this.step);
    if (this.weightDecay > 0) {
      const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
      const factor = 1 - this.learningRate * this.weightDecay;
      tf.tidy(() => {
        for (const name of names) {
          const v = tf.engine().registeredVariables[name];
          if (v && v.trainable && (!this.matricesOnly || v.rank >= 2)) v.assign(tf.mul(v, factor));
        }
      });
    }
    super.applyGradients(variableGradients);
  }
}

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

  constructor(c: AdamWConfig) {
    if (!(c.lr > 0)) throw new ValueRangeError(`AdamW: lr=${c.lr} must be > 0 (ViTs commonly use 1e-3 to 5e-4).`);
    if (!(c.weightDecay >= 0)) throw new ValueRangeError(`AdamW: weightDecay=${c.weightDecay} must be ≥ 0 (0.05 is usual for ViTs).`);
    super(c.lr, c.beta1 ?? 0.9, c.beta2 ?? 0.999, c.epsilon ?? 1e-8);
    this.lr = c.lr;
    this.weightDecay = c.weightDecay;
    this.matricesOnly = c.decayMatricesOnly ?? true;
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (this.weightDecay > 0) {
      const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
      const factor = 1 - this.lr * this.weightDecay;
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

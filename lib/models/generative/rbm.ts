import * as tf from '@tensorflow/tfjs';
import { assertShape, ValueRangeError } from '../../tensor/guards';
import { makeRng } from '../../tensor/rng';
import { Params } from './params';

export interface RbmOptions {
  /** n_v (paper: 28 × 28). */
  visible?: number;
  /** n_h (paper: 256). */
  hidden?: number;
  seed: number;
}

/**
 * A Bernoulli–Bernoulli restricted Boltzmann machine (paper 002 §3.2.1) with energy
 * E(v, h) = −vᵀWh − b_vᵀv − b_hᵀh (eq. 3 prints +vᵀWh; the minus sign is the standard one that
 * eqs. 24–25 imply). Visible vectors are [n, n_v] rows in [0,1]; `apply` also takes images.
 */
export interface Rbm {
  readonly name: string;
  readonly visible: number;
  readonly hidden: number;
  readonly W: tf.Variable;
  readonly bv: tf.Variable;
  readonly bh: tf.Variable;
  /** Eq. 24: P(h_j = 1 | v) = σ(Σ_i v_i W_ij + b_h,j). */
  hiddenProbs(v: tf.Tensor): tf.Tensor2D;
  /** Eq. 25: P(v_i = 1 | h) = σ(Σ_j W_ij h_j + b_v,i). */
  visibleProbs(h: tf.Tensor): tf.Tensor2D;
  /** F(v) = −b_vᵀv − Σ_j log(1 + exp(vW + b_h)_j), so P(v) = e^{−F(v)}/Z (eq. 6 summed over h): [n]. */
  freeEnergy(v: tf.Tensor): tf.Tensor1D;
  /** Mean-field reconstruction P(v | E[h | x]) of images [n,28,28,1] (n_v = 784). */
  apply(x: tf.Tensor, training?: boolean): tf.Tensor;
  trainableVars(): tf.Variable[];
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  dispose(): void;
}

export function createRbm(o: RbmOptions): Rbm {
  const nv = o.visible ?? 784;
  const nh = o.hidden ?? 256;
  if (!(Number.isInteger(nv) && nv >= 1 && Number.isInteger(nh) && nh >= 1)) throw new ValueRangeError(`RBM sizes n_v=${nv}, n_h=${nh} must be positive integers (paper: 784, 256).`);
  const p = new Params('rbm', o.seed);
  // Small weights (std 0.01) and zero biases: Hinton's "practical guide" start.
  const W = p.normal([nv, nh], 1, 1e-4);
  const bv = p.zeros([nv]);
  const bh = p.zeros([nh]);
  const rows = (v: tf.Tensor) => (v.rank === 2 ? v : tf.reshape(v, [v.shape[0], -1]));
  const hiddenProbs = (v: tf.Tensor) => tf.tidy(() => {
    const r = rows(v);
    assertShape(r, [null, nv], 'RBM visible units');
    return tf.sigmoid(tf.add(tf.matMul(r as tf.Tensor2D, W), bh)) as tf.Tensor2D;
  });
  const visibleProbs = (h: tf.Tensor) => tf.tidy(() => {
    assertShape(h, [null, nh], 'RBM hidden units');
    return tf.sigmoid(tf.add(tf.matMul(h as tf.Tensor2D, W, false, true), bv)) as tf.Tensor2D;
  });
  return {
    name: `RBM (${nv}×${nh})`,
    visible: nv,
    hidden: nh,
    W,
    bv,
    bh,
    hiddenProbs,
    visibleProbs,
    freeEnergy: (v) => tf.tidy(() => {
      const r = rows(v) as tf.Tensor2D;
      assertShape(r, [null, nv], 'RBM visible units');
      const vb = tf.sum(tf.mul(r, bv), 1);
      const soft = tf.sum(tf.softplus(tf.add(tf.matMul(r, W), bh)), 1);
      return tf.neg(tf.add(vb, soft)) as tf.Tensor1D;
    }),
    apply: (x) => tf.tidy(() => tf.reshape(visibleProbs(hiddenProbs(x)), x.shape)),
    trainableVars: () => p.vars,
    getWeights: () => p.getWeights(),
    setWeights: (w) => p.setWeights(w),
    dispose: () => p.dispose(),
  };
}

/** Bernoulli draws: 1 where u < p, with a seeded u. */
export function bernoulli(probs: tf.Tensor, seed: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(probs.shape, 0, 1, 'float32', seed), probs), 'float32'));
}

/**
 * One contrastive-divergence step (CD-k, paper §3.4.1) on a batch v0 [n, n_v], updating the weights
 * in place by eq. 26: ΔW = lr · (⟨v hᵀ⟩_data − ⟨v̄ h̄ᵀ⟩_model) / n, and the biases alike.
 * Hidden units are sampled inside the chain; the statistics use probabilities (Hinton 2010, §3).
 * Returns the squared reconstruction error per image (a scalar the caller disposes), the usual
 * progress signal for RBMs, since the likelihood itself needs Z.
 */
export function cdStep(rbm: Rbm, v0: tf.Tensor2D, o: { k: number; lr: number; seed: number }): tf.Scalar {
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw new ValueRangeError(`CD-k needs k ≥ 1 Gibbs steps, got ${o.k}.`);
  if (!(o.lr > 0)) throw new ValueRangeError(`RBM learning rate ${o.lr} must be positive.`);
  const rng = makeRng(o.seed);
  return tf.tidy(() => {
    const n = v0.shape[0];
    const h0 = rbm.hiddenProbs(v0);
    let hk = h0;
    let vk: tf.Tensor2D = v0;
    for (let i = 0; i < o.k; i++) {
      vk = rbm.visibleProbs(bernoulli(hk, rng.seed()));
      hk = rbm.hiddenProbs(vk);
    }
    const scale = o.lr / n;
    const dW = tf.sub(tf.matMul(v0, h0, true, false), tf.matMul(vk, hk, true, false));
    rbm.W.assign(tf.add(rbm.W, tf.mul(dW, scale)));
    rbm.bv.assign(tf.add(rbm.bv, tf.mul(tf.sum(tf.sub(v0, vk), 0), scale)));
    rbm.bh.assign(tf.add(rbm.bh, tf.mul(tf.sum(tf.sub(h0, hk), 0), scale)));
    return tf.div(tf.sum(tf.square(tf.sub(v0, vk))), n) as tf.Scalar;
  });
}

export interface GibbsOptions {
  steps: number;
  seed: number;
  /** Return binary visible states (the RBM's own output, jagged) instead of P(v | h) of the last step. */
  binary?: boolean;
  /** Keep the visible probabilities after these step counts, for a time-lapse. */
  snapshotAt?: number[];
}

/**
 * Block Gibbs sampling (§3.2.1): h ~ P(h | v), v ~ P(v | h), `steps` times from v [n, n_v].
 * Returns P(v | h) of the last step (or its binary draw), as images [n,28,28,1] when n_v = 784.
 */
export function gibbsChain(rbm: Rbm, v: tf.Tensor2D, o: GibbsOptions): { images: tf.Tensor4D | tf.Tensor2D; snapshots: { step: number; images: tf.Tensor }[] } {
  if (!(Number.isInteger(o.steps) && o.steps >= 1)) throw new ValueRangeError(`Gibbs steps ${o.steps} must be a positive integer.`);
  const rng = makeRng(o.seed);
  const snaps = new Set(o.snapshotAt ?? []);
  const snapshots: { step: number; images: tf.Tensor }[] = [];
  const shape = (t: tf.Tensor) => (rbm.visible === 784 ? tf.reshape(t, [-1, 28, 28, 1]) : t);
  let vs = tf.clone(v);
  let probs: tf.Tensor2D | null = null;
  for (let i = 1; i <= o.steps; i++) {
    const next = tf.tidy(() => {
      const p = rbm.visibleProbs(bernoulli(rbm.hiddenProbs(vs), rng.seed()));
      return { p, s: bernoulli(p, rng.seed()) as tf.Tensor2D };
    });
    tf.dispose([vs, probs as tf.Tensor]);
    vs = next.s;
    probs = next.p;
    if (snaps.has(i)) snapshots.push({ step: i, images: tf.tidy(() => shape(probs as tf.Tensor2D)) });
  }
  const images = tf.tidy(() => shape(o.binary ? vs : (probs as tf.Tensor2D))) as tf.Tensor4D;
  tf.dispose([vs, probs as tf.Tensor]);
  return { images, snapshots };
}

/** n chains from seeded uniform noise, run for `steps` Gibbs steps. */
export function sampleRbm(rbm: Rbm, n: number, o: GibbsOptions): ReturnType<typeof gibbsChain> {
  const v0 = tf.tidy(() => bernoulli(tf.fill([n, rbm.visible], 0.5), o.seed + 1) as tf.Tensor2D);
  const out = gibbsChain(rbm, v0, o);
  v0.dispose();
  return out;
}

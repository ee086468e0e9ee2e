import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueRangeError } from '../../tensor/guards';
import { makeRng } from '../../tensor/rng';
import { Net } from '../net';
import { createEmbeddingCnn } from './backbone';
import { lossScoresNet } from './scores';

/** Rows scaled to unit length (a zero row stays zero instead of becoming NaN). */
export const unitRows = (p: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => p.div(p.norm('euclidean', 1, true).maximum(1e-12)));

/**
 * Prototype separation loss, thesis eq. 4.4 (Mettes et al. 2019):
 *   L = (1/K) Σᵢ maxⱼ Mᵢⱼ,  M = P̂P̂ᵀ − 2I,  ‖P̂ᵢ‖ = 1
 * — the mean over prototypes of the cosine similarity to its nearest other prototype
 * (−2I keeps a prototype from picking itself).
 */
export function separationLoss(p: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const u = unitRows(p);
    const m = u.matMul(u, false, true).sub(tf.eye(p.shape[0]).mul(2));
    return m.max(1).mean() as tf.Scalar;
  });
}

/** The largest cosine similarity between two distinct prototypes (what placement lowers). */
export function maxCosine(p: tf.Tensor2D): number {
  const t = tf.tidy(() => {
    const u = unitRows(p);
    return u.matMul(u, false, true).sub(tf.eye(p.shape[0]).mul(2)).max();
  });
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

export interface Placement {
  /** Unit-length prototypes [K, D]. */
  prototypes: tf.Tensor2D;
  /** Max cosine similarity of the random start and of the result. */
  maxCosStart: number;
  maxCosEnd: number;
  losses: number[];
}

/**
 * Learn K well-separated prototypes on the unit sphere S^{D−1} by gradient descent on eq. 4.4
 * (Mettes et al. use SGD with momentum 0.9, lr 0.1), starting from seeded normal directions.
 * For D = 2 use circlePrototypes (as the thesis does): on a circle two prototypes that meet stay
 * together — coinciding rows are a stationary point of eq. 4.4 — and the max cosine stays near 1.
 */
export function placePrototypes(o: { classes?: number; dims: number; steps?: number; lr?: number; seed: number }): Placement {
  const k = o.classes ?? 10;
  const steps = o.steps ?? 1000;
  if (!(Number.isInteger(o.dims) && o.dims >= 2)) throw new ValueRangeError(`prototype dims ${o.dims} must be an integer ≥ 2.`);
  if (!(Number.isInteger(k) && k >= 2)) throw new ValueRangeError(`classes ${k} must be an integer ≥ 2.`);
  const start = tf.tidy(() => unitRows(tf.tensor2d(makeRng(o.seed).normals(k * o.dims), [k, o.dims])));
  const p = tf.variable(start) as tf.Variable<tf.Rank.R2>;
  start.dispose();
  const maxCosStart = maxCosine(p);
  const lr = o.lr ?? 0.1;
  // Momentum by hand: tf.train.momentum leaks one scalar per optimiser in tfjs 4.22.
  const zeros = tf.zerosLike(p);
  const velocity = tf.variable(zeros);
  zeros.dispose();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const l = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => separationLoss(p), [p]);
      velocity.assign(velocity.mul(0.9).add(grads[p.name]));
      // Back onto the sphere after every step, as in the reference method.
      p.assign(unitRows(p.sub(velocity.mul(lr))));
      return value;
    });
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  velocity.dispose();
  const prototypes = unitRows(p);
  p.dispose();
  return { prototypes, maxCosStart, maxCosEnd: maxCosine(prototypes), losses };
}

/** K prototypes evenly spaced on the unit circle (every 2π/K): the optimum for D = 2 (fig. 4.3a). */
export function circlePrototypes(classes = 10): tf.Tensor2D {
  const a = Array.from({ length: classes }, (_, i) => [Math.cos((2 * Math.PI * i) / classes), Math.sin((2 * Math.PI * i) / classes)]);
  return tf.tensor2d(a);
}

/** Cosine similarity of every output to every prototype: [n, D] × [K, D] → [n, K]. */
export function cosineScores(z: tf.Tensor, prototypes: tf.Tensor2D): tf.Tensor2D {
  if (z.rank !== 2 || z.shape[1] !== prototypes.shape[1]) {
    throw new ShapeError(`outputs have shape [${z.shape}] but prototypes are ${prototypes.shape[1]}-dimensional; give outputs [n, ${prototypes.shape[1]}].`);
  }
  return tf.tidy(() => unitRows(z as tf.Tensor2D).matMul(unitRows(prototypes), false, true) as tf.Tensor2D);
}

/**
 * Per-prototype loss of eq. 4.5, (1 − cos θ(zᵢ, p_k))² for every output i and prototype k: [n, K].
 * The thesis writes |z·p| in the cosine; we use the signed cosine of Mettes et al. — with |·|
 * the point opposite a prototype would count as on it.
 */
export function hypersphereLossMatrix(z: tf.Tensor, prototypes: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.scalar(1).sub(cosineScores(z, prototypes)).square() as tf.Tensor2D);
}

/**
 * Eq. 4.5 (Mettes et al.): Σᵢ (1 − cos θ(zᵢ, p_yᵢ))², here averaged over the batch so the
 * learning rate does not depend on the batch size. `targets` [n, K] one-hot (or soft: the loss is
 * then the target-weighted sum over prototypes).
 */
export function hypersphereLoss(z: tf.Tensor, prototypes: tf.Tensor2D, targets: tf.Tensor): tf.Scalar {
  if (targets.rank !== 2 || targets.shape[1] !== prototypes.shape[0] || targets.shape[0] !== z.shape[0]) {
    throw new ShapeError(`targets have shape [${targets.shape}] but [${z.shape[0]}, ${prototypes.shape[0]}] (one-hot per output) is needed.`);
  }
  return tf.tidy(() => hypersphereLossMatrix(z, prototypes).mul(targets).sum(1).mean() as tf.Scalar);
}

/** Index of the nearest prototype (largest score) for every row. */
export function nearestPrototype(scores: tf.Tensor2D): Int32Array {
  const t = tf.tidy(() => scores.argMax(1));
  const out = Int32Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** A network mapping images to R^D, compared with fixed prototypes on the unit sphere. */
export interface HypersphereModel {
  kind: 'hypersphere';
  dims: number;
  /** Image → D-dim output (differentiable; what training uses). */
  net: Net;
  /** The same network as a classifier: −(1 − cos)² to every prototype, [n, K] (see lossScoresNet). */
  classifier: Net;
  /** Unit prototypes [K, D] (owned by the model). */
  prototypes: tf.Tensor2D;
  /** The training loss of eq. 4.5 on outputs of `net`. */
  loss(z: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  dispose(): void;
}

/** The embedding CNN with D outputs and the given prototypes (the model takes ownership). */
export function createHypersphereModel(o: { prototypes: tf.Tensor2D; seed: number; filters?: [number, number]; hidden?: number }): HypersphereModel {
  const dims = o.prototypes.shape[1];
  const net = createEmbeddingCnn({ dims, seed: o.seed, filters: o.filters, hidden: o.hidden, name: `hypersphere ${dims}D` });
  const prototypes = o.prototypes;
  return {
    kind: 'hypersphere',
    dims,
    net,
    classifier: lossScoresNet(net, (z) => hypersphereLossMatrix(z, prototypes), `hypersphere ${dims}D`),
    prototypes,
    loss: (z, t) => hypersphereLoss(z, prototypes, t),
    dispose: () => {
      net.dispose();
      prototypes.dispose();
    },
  };
}

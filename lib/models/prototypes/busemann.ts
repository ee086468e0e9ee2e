import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueRangeError } from '../../tensor/guards';
import { Net } from '../net';
import { createEmbeddingCnn } from './backbone';
import { unitRows } from './hypersphere';
import { lossScoresNet } from './scores';

/** Keeps points strictly inside the unit ball, where 1 − ‖z‖² > 0 and the logarithms are finite. */
const BALL_EPS = 1e-5;

/**
 * Exponential map at the origin of the Poincaré ball (curvature −1):
 *   exp₀(v) = tanh(‖v‖) · v / ‖v‖
 * maps any vector of R^D into the open unit ball. The norm is clipped just below 1: float32
 * tanh reaches 1 for ‖v‖ ≳ 9, which would put z on the boundary.
 */
export function expmap0(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = v.norm('euclidean', -1, true).maximum(1e-12);
    return v.div(n).mul(tf.tanh(n).minimum(1 - BALL_EPS));
  });
}

/**
 * The Busemann function of every ideal prototype p (‖p‖ = 1) at every z in the ball,
 * thesis eq. 4.7 (Atigh et al. 2021):  b_p(z) = log(‖p − z‖² / (1 − ‖z‖²)).  [n, D] × [K, D] → [n, K].
 * Smaller = nearer to p's horosphere: classify by the smallest.
 */
export function busemann(z: tf.Tensor, prototypes: tf.Tensor2D): tf.Tensor2D {
  if (z.rank !== 2 || z.shape[1] !== prototypes.shape[1]) {
    throw new ShapeError(`points have shape [${z.shape}] but prototypes are ${prototypes.shape[1]}-dimensional; give points [n, ${prototypes.shape[1]}].`);
  }
  return tf.tidy(() => {
    const zz = z.square().sum(1, true); // [n,1]
    // ‖p − z‖² = ‖p‖² − 2 p·z + ‖z‖², with ‖p‖ = 1
    const dist2 = zz.sub(z.matMul(prototypes, false, true).mul(2)).add(1).maximum(1e-12);
    const inside = tf.scalar(1).sub(zz).maximum(BALL_EPS);
    return dist2.log().sub(inside.log()) as tf.Tensor2D;
  });
}

/**
 * Atigh et al.'s penalised Busemann loss of every point to every prototype, [n, K]:
 *   ℓ(z, p) = b_p(z) − φ·log(1 − ‖z‖²) + φ·log 2,   φ = slope · D
 * b_p alone is minimised by moving z onto the boundary (b_p → −∞); the penalty pulls z back and
 * puts the optimum along p at ‖z‖ = 1/φ (φ·log 2 is the reference code's constant offset; it
 * changes no gradient). The penalty is the same for every k, so arg-min ℓ = arg-min b_p.
 */
export function busemannLossMatrix(z: tf.Tensor, prototypes: tf.Tensor2D, slope = 1): tf.Tensor2D {
  if (!(slope >= 0)) throw new ValueRangeError(`Busemann penalty slope ${slope} must be ≥ 0; Atigh et al. use 1 (φ = D).`);
  const phi = slope * prototypes.shape[1];
  return tf.tidy(() => {
    const inside = tf.scalar(1).sub(z.square().sum(1, true)).maximum(BALL_EPS);
    return busemann(z, prototypes).sub(inside.log().mul(phi)).add(phi * Math.log(2)) as tf.Tensor2D;
  });
}

/** The penalised Busemann loss toward each target's prototype, averaged over the batch. `targets` [n, K] one-hot (or soft). */
export function busemannLoss(z: tf.Tensor, prototypes: tf.Tensor2D, targets: tf.Tensor, slope = 1): tf.Scalar {
  if (targets.rank !== 2 || targets.shape[1] !== prototypes.shape[0] || targets.shape[0] !== z.shape[0]) {
    throw new ShapeError(`targets have shape [${targets.shape}] but [${z.shape[0]}, ${prototypes.shape[0]}] (one-hot per point) is needed.`);
  }
  return tf.tidy(() => busemannLossMatrix(z, prototypes, slope).mul(targets).sum(1).mean() as tf.Scalar);
}

/** A network mapping images into the Poincaré ball, compared with ideal prototypes on its boundary. */
export interface BusemannModel {
  kind: 'busemann';
  dims: number;
  /** Image → point in the D-dim Poincaré ball (expmap₀ of the CNN's output). */
  net: Net;
  /** The same network as a classifier: −ℓ(z, p_k) for every prototype, [n, K] (see lossScoresNet). */
  classifier: Net;
  /** Ideal prototypes [K, D] with ‖p‖ = 1 (owned by the model). */
  prototypes: tf.Tensor2D;
  slope: number;
  loss(z: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  dispose(): void;
}

/**
 * The embedding CNN followed by expmap₀, with given ideal prototypes (Atigh et al. place them
 * with the hyperspherical separation of eq. 4.4; the model takes ownership).
 */
export function createBusemannModel(o: { prototypes: tf.Tensor2D; seed: number; slope?: number; filters?: [number, number]; hidden?: number }): BusemannModel {
  const dims = o.prototypes.shape[1];
  const prototypes = tf.tidy(() => unitRows(o.prototypes));
  o.prototypes.dispose();
  const slope = o.slope ?? 1;
  const net = createEmbeddingCnn({ dims, seed: o.seed, filters: o.filters, hidden: o.hidden, head: expmap0, name: `Busemann ${dims}D` });
  return {
    kind: 'busemann',
    dims,
    net,
    classifier: lossScoresNet(net, (z) => busemannLossMatrix(z, prototypes, slope), `Busemann ${dims}D`),
    prototypes,
    slope,
    loss: (z, t) => busemannLoss(z, prototypes, t, slope),
    dispose: () => {
      net.dispose();
      prototypes.dispose();
    },
  };
}

import * as tf from '@tensorflow/tfjs';
import { ValueRangeError } from '../../tensor/guards';

/**
 * What the invertible MLP sees of an image: the standard input side of a normalizing flow on
 * discrete pixels (RealNVP, Dinh et al. 2017, §4.1; Glow), or the raw pixels as on the slides.
 *
 * dequantize: x̃ = (255·x + u)/256 with u ~ U(0,1)⁷⁸⁴ drawn afresh every step. MNIST pixels take 256
 *   values (most of them exactly 0); a continuous density on them can grow without bound by
 *   squeezing the always-0 pixels to a point (log|det W| → ∞). Uniform noise within one grey level
 *   gives every pixel some spread, and the flow's likelihood of x̃ bounds the discrete one.
 * logit: x' = logit(λ + (1 − 2λ)·x̃), λ = 0.05: maps (0,1) onto ℝ (where N(2a,1) noise lives) and
 *   widens the background's spread relative to the strokes', so W needs less dynamic range.
 *   Generated x' go back through x = (sigmoid(x') − λ)/(1 − 2λ), always a valid grey level range.
 */
export interface InputTransform {
  dequantize: boolean;
  /** null: raw pixels; a number: the logit transform with this λ in (0, 0.5). */
  logitLambda: number | null;
}

/** The slides: raw pixels in [0,1], no noise. */
export const RAW_PIXELS: InputTransform = { dequantize: false, logitLambda: null };
/** RealNVP's preprocessing. */
export const FLOW_INPUT: InputTransform = { dequantize: true, logitLambda: 0.05 };

export function checkInputTransform(t: InputTransform): void {
  if (t.logitLambda !== null && !(t.logitLambda > 0 && t.logitLambda < 0.5)) {
    throw new ValueRangeError(`logit λ = ${t.logitLambda} must lie in (0, 0.5) (RealNVP uses 0.05), or be null for raw pixels.`);
  }
}

/**
 * Images in [0,1] → the network's input. `seed` draws the dequantisation noise (a different seed
 * every step). Refuses pixels outside [0,1]: the logit of them is undefined.
 */
export function toNetworkInput(x: tf.Tensor, t: InputTransform, seed: number): tf.Tensor {
  checkInputTransform(t);
  if (!t.dequantize && t.logitLambda === null) return x.clone();
  const [lo, hi] = tf.tidy(() => [x.min(), x.max()]).map((v) => {
    const n = v.dataSync()[0];
    v.dispose();
    return n;
  });
  if (!(lo >= 0 && hi <= 1)) throw new ValueRangeError(`pixel values span [${lo}, ${hi}]; the flow input expects images in [0,1] (divide by 255).`);
  return tf.tidy(() => {
    let v = x;
    if (t.dequantize) v = tf.div(tf.add(tf.mul(v, 255), tf.randomUniform(v.shape, 0, 1, 'float32', seed)), 256);
    if (t.logitLambda !== null) {
      const p = tf.add(tf.mul(v, 1 - 2 * t.logitLambda), t.logitLambda);
      v = tf.log(tf.div(p, tf.sub(1, p)));
    }
    return v;
  });
}

/** The network's input space → images (the inverse of toNetworkInput without the noise). */
export function fromNetworkInput(x: tf.Tensor, t: InputTransform): tf.Tensor {
  checkInputTransform(t);
  if (t.logitLambda === null) return x.clone();
  const lam = t.logitLambda;
  return tf.tidy(() => tf.div(tf.sub(tf.sigmoid(x), lam), 1 - 2 * lam));
}

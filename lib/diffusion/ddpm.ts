import * as tf from '@tensorflow/tfjs';
import { TimeNet } from '../models/generative/unet';
import { ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { Schedule } from './schedules';

/** Images in [0,1] ↔ the diffusion space [−1,1] (the noise is N(0, I) at every scale). */
export const toDiffusion = (x: tf.Tensor): tf.Tensor => tf.sub(tf.mul(x, 2), 1);
export const fromDiffusion = (x: tf.Tensor): tf.Tensor => tf.mul(tf.add(x, 1), 0.5);

function coef(values: number[], n: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [n, 1, 1, 1]);
}

function checkSteps(t: Int32Array, T: number): void {
  t.forEach((s, i) => {
    if (!(Number.isInteger(s) && s >= 0 && s < T)) throw new ValueRangeError(`time step ${s} at index ${i} is outside 0..${T - 1}; draw steps below the schedule's T.`);
  });
}

/**
 * Forward diffusion q(x_t | x_0) (eq. 17, which writes α_t for ᾱ_t):
 * x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε, per image with its own step t. x0 and ε in diffusion space.
 */
export function qSample(x0: tf.Tensor4D, t: Int32Array, noise: tf.Tensor4D, s: Schedule): tf.Tensor4D {
  const n = x0.shape[0];
  if (t.length !== n) throw new ValueRangeError(`${t.length} time steps for ${n} images; give one step per image.`);
  checkSteps(t, s.T);
  return tf.tidy(() => {
    const a = coef(Array.from(t, (k) => Math.sqrt(s.alphaBars[k])), n);
    const b = coef(Array.from(t, (k) => Math.sqrt(1 - s.alphaBars[k])), n);
    return tf.add(tf.mul(a, x0), tf.mul(b, noise)) as tf.Tensor4D;
  });
}

/**
 * Eq. 35: mean squared difference of horizontal neighbour differences plus that of vertical ones,
 * between prediction P and target T (the paper's "gradient loss" that sharpens edges).
 */
export function gradientLoss(p: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = p.shape;
    const dx = (x: tf.Tensor4D) => tf.sub(tf.slice(x, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [n, h, w - 1, c]));
    const dy = (x: tf.Tensor4D) => tf.sub(tf.slice(x, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [n, h - 1, w, c]));
    return tf.add(tf.mean(tf.square(tf.sub(dx(p), dx(target)))), tf.mean(tf.square(tf.sub(dy(p), dy(target))))) as tf.Scalar;
  });
}

export interface DdpmLossOptions {
  /** α of eq. 36 (weight of the gradient loss); 0 gives Ho et al.'s plain loss. */
  gradWeight: number;
}

/**
 * A DDPM training loss with its own seeded draws of t and ε: each call draws new ones, so it can
 * be handed to trainLoop as is. Eq. 36: C = C_noise (eq. 34, MSE of ε̂ against ε) + α · C_grad (eq. 35).
 * x0 is a batch in [0,1].
 */
export function ddpmLoss(net: TimeNet, s: Schedule, o: DdpmLossOptions & { seed: number }): (x0: tf.Tensor) => tf.Scalar {
  const rng = makeRng(o.seed);
  return (x0b) => {
    const x0 = toDiffusion(x0b) as tf.Tensor4D;
    const n = x0.shape[0];
    const t = Int32Array.from({ length: n }, () => rng.int(s.T));
    const eps = tf.randomNormal([n, 28, 28, 1], 0, 1, 'float32', rng.seed()) as tf.Tensor4D;
    const xt = qSample(x0, t, eps, s);
    const pred = net.apply(xt, tf.tensor1d(t, 'float32'));
    const noiseLoss = tf.mean(tf.square(tf.sub(pred, eps))) as tf.Scalar;
    return (o.gradWeight > 0 ? tf.add(noiseLoss, tf.mul(gradientLoss(pred, eps), o.gradWeight)) : noiseLoss) as tf.Scalar;
  };
}

export interface SampleOptions {
  n: number;
  seed: number;
  /**
   * Reverse steps to take (≤ T). Fewer than T samples a respaced chain (Nichol & Dhariwal 2021, §4):
   * evenly spaced steps τ with β'_i = 1 − ᾱ_{τ_i}/ᾱ_{τ_{i−1}}; T reproduces plain DDPM.
   */
  steps?: number;
  /** Clip the implied x̂_0 to [−1,1] at every step (Ho et al.'s released sampler does); default true. */
  clip?: boolean;
  /** Keep the current x̂ (shown in [0,1]) after these reverse-step counts (1..steps), for a time-lapse. */
  snapshotAt?: number[];
  /** Images per forward pass. */
  batch?: number;
  onStep?: (done: number, total: number) => void;
}

export interface SampleResult {
  /** x_0 in [0,1] (clipped), [n,28,28,1]. */
  images: tf.Tensor4D;
  /** `x_t` after `done` reverse steps, mapped to [0,1] (with t the remaining noise level). */
  snapshots: { done: number; t: number; images: tf.Tensor4D }[];
  seconds: number;
}

/** The respaced steps: `steps` evenly spaced indices from T−1 down to 0. */
export function samplingSteps(T: number, steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= T)) throw new ValueRangeError(`sampling steps ${steps} must be an integer in 1..${T}.`);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(Math.round((i * (T - 1)) / Math.max(1, steps - 1)));
  return [...new Set(out)].sort((a, b) => b - a);
}

/**
 * Reverse diffusion (eqs. 18–19) from x_T ~ N(0, I). Each step predicts ε̂, forms
 * x̂_0 = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t, and draws x_{t−1} ~ N(μ̃, β̃) with Ho et al.'s posterior
 * μ̃ = √ᾱ_{t−1} β_t/(1−ᾱ_t) · x̂_0 + √α_t (1−ᾱ_{t−1})/(1−ᾱ_t) · x_t and β̃ = (1−ᾱ_{t−1})/(1−ᾱ_t) β_t.
 * Without clipping this μ̃ equals eq. 18's 1/√α_t · (x_t − β_t/√(1−ᾱ_t) · ε̂).
 */
export async function sampleDdpm(net: TimeNet, s: Schedule, o: SampleOptions): Promise<SampleResult> {
  if (!(Number.isInteger(o.n) && o.n >= 1)) throw new ValueRangeError(`sample count n=${o.n} must be a positive integer.`);
  const start = Date.now();
  const taus = samplingSteps(s.T, o.steps ?? s.T);
  const clip = o.clip ?? true;
  const rng = makeRng(o.seed);
  const snapAt = new Set(o.snapshotAt ?? []);
  const snapshots: SampleResult['snapshots'] = [];
  let x = tf.randomNormal([o.n, 28, 28, 1], 0, 1, 'float32', rng.seed()) as tf.Tensor4D;
  const batch = o.batch ?? 256;
  for (let i = 0; i < taus.length; i++) {
    const t = taus[i];
    const abar = s.alphaBars[t];
    const abarPrev = i + 1 < taus.length ? s.alphaBars[taus[i + 1]] : 1;
    const beta = 1 - abar / abarPrev; // = β_t when no step is skipped
    const next = tf.tidy(() => {
      const parts: tf.Tensor4D[] = [];
      for (let b = 0; b < o.n; b += batch) {
        const m = Math.min(batch, o.n - b);
        parts.push(net.apply(tf.slice(x, [b, 0, 0, 0], [m, 28, 28, 1]), tf.fill([m], t) as tf.Tensor1D));
      }
      const eps = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      let x0 = tf.div(tf.sub(x, tf.mul(eps, Math.sqrt(1 - abar))), Math.sqrt(abar));
      if (clip) x0 = tf.clipByValue(x0, -1, 1);
      const mean = tf.add(tf.mul(x0, (Math.sqrt(abarPrev) * beta) / (1 - abar)), tf.mul(x, (Math.sqrt(1 - beta) * (1 - abarPrev)) / (1 - abar)));
      if (i + 1 === taus.length) return mean; // the last step adds no noise
      const sigma = Math.sqrt(((1 - abarPrev) / (1 - abar)) * beta);
      return tf.add(mean, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', rng.seed()), sigma));
    }) as tf.Tensor4D;
    x.dispose();
    x = next;
    if (snapAt.has(i + 1)) snapshots.push({ done: i + 1, t: i + 1 < taus.length ? taus[i + 1] : 0, images: tf.tidy(() => tf.clipByValue(fromDiffusion(x), 0, 1) as tf.Tensor4D) });
    o.onStep?.(i + 1, taus.length);
    if ((i & 7) === 7) await new Promise<void>((r) => setImmediate(r));
  }
  const images = tf.tidy(() => tf.clipByValue(fromDiffusion(x), 0, 1) as tf.Tensor4D);
  x.dispose();
  return { images, snapshots, seconds: (Date.now() - start) / 1000 };
}


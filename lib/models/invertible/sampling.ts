import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../../data/mnist';
import { makeRng } from '../../tensor/rng';
import { ValueRangeError } from '../../tensor/guards';
import { fromNetworkInput, InputTransform, RAW_PIXELS } from './input';
import { Inverter, InvertibleMlp, PIXELS } from './mlp';

/**
 * Noise n ~ N(μ_a, T²I), 784 values per requested label a: what the slides run backwards (μ_a = 2a,
 * T = 1). `means` (10×784) gives learned class means; a temperature T < 1 samples nearer the
 * mode, as flows usually do (Glow, Kingma & Dhariwal 2018, §5).
 */
export function targetNoise(labels: Int32Array, seed: number, temperature = 1, means?: Float32Array): tf.Tensor2D {
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new ValueRangeError(`temperature ${temperature} must be a finite number ≥ 0 (1 samples the target itself; flows use 0.5–0.8).`);
  if (means && means.length !== 10 * PIXELS) throw new ValueRangeError(`class means hold ${means.length} values, not 10×784; pass inverter.means.`);
  const rng = makeRng(seed);
  const out = new Float32Array(labels.length * PIXELS);
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i];
    const e = rng.normals(PIXELS, 0, temperature);
    for (let p = 0; p < PIXELS; p++) out[i * PIXELS + p] = (means ? means[a * PIXELS + p] : 2 * a) + e[p];
  }
  return tf.tensor2d(out, [labels.length, PIXELS]);
}

export interface GenerateOptions {
  /** Noise scale T: n ~ N(2a, T²). Default 1. */
  temperature?: number;
  /** The input transform the net was trained on; its inverse maps the net's input space back to pixels. Default raw pixels. */
  input?: InputTransform;
}

/** `perDigit` generated images of every digit 0–9 (ordered 0,0,…,1,1,…), raw (not clipped to [0,1]). */
export function generateDigits(inv: Inverter, perDigit: number, seed: number, opts: GenerateOptions = {}): { images: tf.Tensor4D; labels: Int32Array; seconds: number } {
  const labels = Int32Array.from({ length: 10 * perDigit }, (_, i) => Math.floor(i / perDigit));
  const noise = targetNoise(labels, seed, opts.temperature ?? 1, inv.means);
  const start = Date.now();
  try {
    const x = inv.inverse(noise);
    const pixels = fromNetworkInput(x, opts.input ?? RAW_PIXELS);
    const images = pixels.reshape([labels.length, 28, 28, 1]) as tf.Tensor4D;
    tf.dispose([x, pixels]);
    return { images, labels, seconds: (Date.now() - start) / 1000 };
  } finally {
    noise.dispose();
  }
}

/** max |x − inverse(apply(x))| over the images: the round-trip error of the exact inverse in float32. */
export function roundTripMaxError(net: InvertibleMlp, inv: Inverter, x: tf.Tensor): number {
  return roundTripErrors(net, inv, x, { reference64: false }).maxAbs;
}

export interface RoundTripErrors {
  /** max_i,p |x̂ − x|: pixels are in [0,1], so this is also relative to the pixel range. */
  maxAbs: number;
  /** max_i ‖x̂_i − x_i‖₂ / ‖x_i‖₂: the relative error per image that the κ bound speaks of. */
  maxRelative: number;
  /** The same two with the forward pass in float64 too (inverter.forwardRows): what the solve alone loses (NaN if skipped). */
  maxAbs64: number;
  maxRelative64: number;
}

function compare(back: ArrayLike<number>, x: ArrayLike<number>, m: number): { maxAbs: number; maxRelative: number } {
  let maxAbs = 0;
  let maxRelative = 0;
  for (let i = 0; i < m; i++) {
    let d2 = 0;
    let x2 = 0;
    for (let p = i * PIXELS; p < (i + 1) * PIXELS; p++) {
      const d = Math.abs(back[p] - x[p]);
      if (d > maxAbs) maxAbs = d;
      d2 += d * d;
      x2 += x[p] * x[p];
    }
    maxRelative = Math.max(maxRelative, Math.sqrt(d2 / Math.max(x2, 1e-300)));
  }
  return { maxAbs, maxRelative };
}

/**
 * The round trip x → N → x̂ two ways: the net's float32 forward pass (tfjs) then the inverter, and
 * the float64 forward pass then the float64 inverse. Their difference separates the float32
 * rounding of N (amplified by up to κ per block) from the error of the solve itself.
 */
export function roundTripErrors(net: InvertibleMlp, inv: Inverter, x: tf.Tensor, opts: { reference64?: boolean; referenceRows?: number } = {}): RoundTripErrors {
  const m = x.shape[0];
  const xs = x.dataSync() as Float32Array;
  const y = net.apply(x);
  const back = inv.inverse(y);
  const b32 = back.dataSync() as Float32Array;
  tf.dispose([y, back]);
  const a = compare(b32, xs, m);
  // The float64 reference costs a JS forward and inverse (≈ 2·784²·m multiply-adds per block): skippable.
  // `referenceRows` limits it to the first rows (it only shows that the solve is exact to ~1e-11).
  const k = Math.min(m, opts.referenceRows ?? m);
  const xk = xs.subarray(0, k * PIXELS);
  const c = opts.reference64 === false ? { maxAbs: NaN, maxRelative: NaN } : compare(inv.inverseRows(inv.forwardRows(xk, k), k), xk, k);
  return { maxAbs: a.maxAbs, maxRelative: a.maxRelative, maxAbs64: c.maxAbs, maxRelative64: c.maxRelative };
}

export interface EmbeddingStats {
  digit: number;
  images: number;
  /** The target: 2a and 1. */
  targetMean: number;
  /** Mean over the class's images of the per-image mean / unbiased variance of the 784 outputs. */
  mean: number;
  variance: number;
}

/** Per-class mean and variance of the embeddings, against the N(2a, 1) target. */
export function embeddingStats(net: InvertibleMlp, ds: Dataset): EmbeddingStats[] {
  const r = tf.tidy(() => {
    const n = net.apply(ds.images);
    const mean = tf.mean(n, 1);
    const variance = tf.div(tf.sum(tf.square(tf.sub(n, mean.reshape([-1, 1]))), 1), PIXELS - 1);
    return [mean, variance];
  });
  const [m, v] = r.map((t) => t.dataSync());
  tf.dispose(r);
  const rows: EmbeddingStats[] = [];
  for (let d = 0; d < 10; d++) {
    let k = 0;
    let sm = 0;
    let sv = 0;
    for (let i = 0; i < ds.n; i++) {
      if (ds.labels[i] !== d) continue;
      k++;
      sm += m[i];
      sv += v[i];
    }
    if (k > 0) rows.push({ digit: d, images: k, targetMean: 2 * d, mean: sm / k, variance: sv / k });
  }
  return rows;
}

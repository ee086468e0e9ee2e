import { CtShapeError, CtValueError } from './errors';

/**
 * Image quality metrics for reconstructions (row-major Float32Array images).
 * Defaults assume the project's [0, 1] images, so dataRange = 1 unless stated.
 */

export interface MetricOptions {
  /** Range of valid pixel values L (default 1 for [0, 1] images). */
  dataRange?: number;
  /** Image height; with cols omitted too, a square image is assumed. */
  rows?: number;
  cols?: number;
}

function checkPair(x: Float32Array, ref: Float32Array): void {
  if (!(x instanceof Float32Array) || !(ref instanceof Float32Array)) {
    throw new CtShapeError('metrics take two Float32Array images (reconstruction, reference); convert tensors with imagesFromTensor.');
  }
  if (x.length !== ref.length) {
    throw new CtShapeError(`image has ${x.length} values but the reference has ${ref.length}; compare images of the same size.`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new CtValueError(`image[${i}] is ${x[i]}; metrics need finite pixels — fix the value upstream.`);
    }
    if (!Number.isFinite(ref[i])) {
      throw new CtValueError(`reference[${i}] is ${ref[i]}; metrics need finite pixels — fix the value upstream.`);
    }
  }
}

function checkRange(dataRange: number): void {
  if (!Number.isFinite(dataRange) || dataRange <= 0) {
    throw new CtValueError(`dataRange is ${dataRange}; pass the width of the pixel value range, e.g. 1 for [0, 1] images.`);
  }
}

/** Mean squared error, (1/N)·Σ (x − ref)². */
export function mse(x: Float32Array, ref: Float32Array): number {
  checkPair(x, ref);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - ref[i];
    s += d * d;
  }
  return s / x.length;
}

/** Peak signal-to-noise ratio in dB, 10·log10(L² / MSE); Infinity for identical images. */
export function psnr(x: Float32Array, ref: Float32Array, dataRange = 1): number {
  checkRange(dataRange);
  const e = mse(x, ref);
  return 10 * Math.log10((dataRange * dataRange) / e);
}

/** SSIM window of Wang et al. (2004): Gaussian σ = 1.5, 11 taps (radius 5), normalised. */
export const SSIM_SIGMA = 1.5;
export const SSIM_RADIUS = 5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

function gaussianTaps(): Float64Array {
  const w = new Float64Array(2 * SSIM_RADIUS + 1);
  let sum = 0;
  for (let k = -SSIM_RADIUS; k <= SSIM_RADIUS; k++) {
    w[k + SSIM_RADIUS] = Math.exp(-(k * k) / (2 * SSIM_SIGMA * SSIM_SIGMA));
    sum += w[k + SSIM_RADIUS];
  }
  for (let k = 0; k < w.length; k++) w[k] /= sum;
  return w;
}
const TAPS = gaussianTaps();

/** Separable Gaussian filter keeping only the 'valid' positions (window fully inside). */
function filterValid(img: Float64Array, rows: number, cols: number): Float64Array {
  const size = TAPS.length;
  const oc = cols - size + 1;
  const or = rows - size + 1;
  const h = new Float64Array(rows * oc);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < oc; c++) {
      let s = 0;
      for (let k = 0; k < size; k++) s += TAPS[k] * img[r * cols + c + k];
      h[r * oc + c] = s;
    }
  }
  const out = new Float64Array(or * oc);
  for (let r = 0; r < or; r++) {
    for (let c = 0; c < oc; c++) {
      let s = 0;
      for (let k = 0; k < size; k++) s += TAPS[k] * h[(r + k) * oc + c];
      out[r * oc + c] = s;
    }
  }
  return out;
}

function imageSize(length: number, opts: MetricOptions): [number, number] {
  let { rows, cols } = opts;
  if (rows === undefined && cols === undefined) {
    const side = Math.round(Math.sqrt(length));
    if (side * side !== length) {
      throw new CtShapeError(`image has ${length} values, which is not square; pass { rows, cols }.`);
    }
    rows = cols = side;
  }
  rows = rows ?? length / (cols as number);
  cols = cols ?? length / rows;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows * cols !== length) {
    throw new CtShapeError(`rows ${rows} × cols ${cols} does not match the image's ${length} values; pass the image's true size.`);
  }
  return [rows, cols];
}

/**
 * Mean SSIM of Wang et al. (2004), eq. 13 with a Gaussian window:
 *   SSIM = ((2 μx μy + C1)(2 σxy + C2)) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 *   C1 = (K1 L)², C2 = (K2 L)², K1 = 0.01, K2 = 0.03, L = dataRange,
 * local statistics weighted by the 11×11 Gaussian window (σ = 1.5, population covariances),
 * averaged over the positions where the window lies inside the image (18×18 for 28×28).
 * Equals skimage.metrics.structural_similarity(x, ref, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=L).
 */
export function ssim(x: Float32Array, ref: Float32Array, opts: MetricOptions = {}): number {
  checkPair(x, ref);
  const L = opts.dataRange ?? 1;
  checkRange(L);
  const [rows, cols] = imageSize(x.length, opts);
  const size = TAPS.length;
  if (rows < size || cols < size) {
    throw new CtShapeError(`image is ${rows}×${cols}; SSIM's window is ${size}×${size}, so use images at least that large.`);
  }
  const n = x.length;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y2 = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i];
    yy[i] = ref[i];
    x2[i] = x[i] * x[i];
    y2[i] = ref[i] * ref[i];
    xy[i] = x[i] * ref[i];
  }
  const mx = filterValid(xx, rows, cols);
  const my = filterValid(yy, rows, cols);
  const sxx = filterValid(x2, rows, cols);
  const syy = filterValid(y2, rows, cols);
  const sxy = filterValid(xy, rows, cols);
  const C1 = (SSIM_K1 * L) ** 2;
  const C2 = (SSIM_K2 * L) ** 2;
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i];
    const uy = my[i];
    const vx = sxx[i] - ux * ux;
    const vy = syy[i] - uy * uy;
    const cxy = sxy[i] - ux * uy;
    total += ((2 * ux * uy + C1) * (2 * cxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
  }
  return total / mx.length;
}

export interface MetricTable {
  mse: number[];
  psnr: number[];
  ssim: number[];
  /** Means over the batch of the per-image values. */
  mean: { mse: number; psnr: number; ssim: number };
}

/** MSE, PSNR and SSIM of each reconstruction against its reference, and their batch means. */
export function imageMetrics(xs: readonly Float32Array[], refs: readonly Float32Array[], opts: MetricOptions = {}): MetricTable {
  if (xs.length !== refs.length || xs.length === 0) {
    throw new CtShapeError(`got ${xs.length} images and ${refs.length} references; pass equally many (at least one).`);
  }
  const L = opts.dataRange ?? 1;
  const t: MetricTable = { mse: [], psnr: [], ssim: [], mean: { mse: 0, psnr: 0, ssim: 0 } };
  xs.forEach((x, i) => {
    t.mse.push(mse(x, refs[i]));
    t.psnr.push(psnr(x, refs[i], L));
    t.ssim.push(ssim(x, refs[i], opts));
  });
  const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  t.mean = { mse: avg(t.mse), psnr: avg(t.psnr), ssim: avg(t.ssim) };
  return t;
}

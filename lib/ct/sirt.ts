import { blockLayout, pack, unpack } from './batch';
import { CtShapeError, CtValueError } from './errors';
import { type ProjectionOperator, checkImages, checkSinograms } from './projector';
import { csrMultiply } from './sparse';

/** Sums at or below this count as zero, so their inverse weight is 0 (rays/pixels outside the field). */
export const SIRT_WEIGHT_EPS = 1e-6;

export interface SirtSettings {
  /** Relaxation λ (default 1, as ASTRA). */
  relaxation?: number;
  /** Clamp below (default 0, ASTRA's MinConstraint); null for no lower clamp. */
  min?: number | null;
  /** Clamp above (default none, ASTRA's MaxConstraint). */
  max?: number | null;
  /** Start images, one per sinogram (default zeros). */
  x0?: readonly Float32Array[];
}

export interface SirtOptions extends SirtSettings {
  iterations: number;
}

export interface SirtResult {
  /** Reconstructions, row-major, one per sinogram. */
  images: Float32Array[];
  /** Mean over the batch of ‖p − A·x‖₂, measured before each iteration's update. */
  residualNorms: number[];
}

/** SIRT state for one batch; iterate in steps and read/replace the images in between (the mixed scheme). */
export interface SirtSolver {
  readonly n: number;
  /** Run k SIRT iterations. */
  iterate(k: number): void;
  /** Copy of the current images. */
  images(): Float32Array[];
  /** Replace the current images (e.g. with a model step's output); clamped to [min, max] unless clamp = false. */
  setImages(images: readonly Float32Array[], clamp?: boolean): void;
  /** Residual norm (batch mean) before each iteration run so far. */
  readonly residualNorms: number[];
}

function inverse(sums: Float64Array): Float64Array {
  const w = new Float64Array(sums.length);
  for (let i = 0; i < sums.length; i++) w[i] = sums[i] > SIRT_WEIGHT_EPS ? 1 / sums[i] : 0;
  return w;
}

function checkSettings(s: SirtSettings): { lambda: number; lo: number; hi: number } {
  const lambda = s.relaxation ?? 1;
  if (!Number.isFinite(lambda) || lambda <= 0) {
    throw new CtValueError(`relaxation is ${lambda}; pass a positive number, typically in (0, 2) (ASTRA's default is 1).`);
  }
  const min = s.min === undefined ? 0 : s.min;
  const max = s.max === undefined ? null : s.max;
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (v !== null && !Number.isFinite(v)) {
      throw new CtValueError(`${name} is ${v}; pass a finite clamp value or null for no clamp.`);
    }
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) throw new CtValueError(`min (${lo}) is above max (${hi}); swap them or drop one.`);
  return { lambda, lo, hi };
}

/**
 * SIRT as implemented in ASTRA:
 *   x ← clamp( x + λ · C · Aᵀ · R · (p − A·x) ),  R = diag(1 / A·1),  C = diag(1 / Aᵀ·1)
 * (inverse sums that are ~0 are set to 0). All sinograms of the batch are iterated together.
 */
export function sirtSolver(op: ProjectionOperator, sinograms: readonly Float32Array[], settings: SirtSettings = {}): SirtSolver {
  checkSinograms(op, sinograms);
  const { lambda, lo, hi } = checkSettings(settings);
  const n = sinograms.length;
  const { nPixels, nBins, A, AT } = op;
  const R = inverse(op.rowSums);
  const C = inverse(op.colSums);
  const l = blockLayout(n);
  const { blocks, width } = l;
  const p = pack(sinograms, nBins, l);
  let x = new Float64Array(nPixels * blocks * width);
  const ax = new Float64Array(nBins * blocks * width);
  const g = new Float64Array(nPixels * blocks * width);
  const ss = new Float64Array(blocks * width); // padding items have zero sinograms and stay out of the mean
  const residualNorms: number[] = [];

  const clampAll = () => {
    if (lo === -Infinity && hi === Infinity) return;
    for (let i = 0; i < x.length; i++) x[i] = Math.min(hi, Math.max(lo, x[i]));
  };
  const setImages = (images: readonly Float32Array[], what: string, clamp: boolean) => {
    checkImages(op, images, what);
    if (images.length !== n) {
      throw new CtShapeError(`${what} has ${images.length} images for ${n} sinograms; pass one image per sinogram.`);
    }
    x = pack(images, nPixels, l);
    if (clamp) clampAll();
  };
  if (settings.x0) setImages(settings.x0, 'x0', true);
  else clampAll();

  return {
    n,
    residualNorms,
    iterate(k: number) {
      if (!Number.isInteger(k) || k < 0) {
        throw new CtValueError(`iterations is ${k}; pass a non-negative integer, e.g. 100.`);
      }
      for (let it = 0; it < k; it++) {
        csrMultiply(A, x, ax, blocks, width);
        ss.fill(0);
        for (let blk = 0; blk < blocks; blk++) {
          for (let i = 0; i < nBins; i++) {
            const o = (blk * nBins + i) * width;
            const ri = R[i];
            for (let lane = 0; lane < width; lane++) {
              const r = p[o + lane] - ax[o + lane];
              ss[blk * width + lane] += r * r;
              ax[o + lane] = r * ri; // reuse ax as R·(p − Ax)
            }
          }
        }
        let mean = 0;
        for (let b = 0; b < n; b++) mean += Math.sqrt(ss[b]);
        residualNorms.push(mean / n);
        csrMultiply(AT, ax, g, blocks, width);
        for (let blk = 0; blk < blocks; blk++) {
          for (let j = 0; j < nPixels; j++) {
            const cj = lambda * C[j];
            if (cj === 0) continue;
            const o = (blk * nPixels + j) * width;
            for (let lane = 0; lane < width; lane++) {
              const v = x[o + lane] + cj * g[o + lane];
              x[o + lane] = v < lo ? lo : v > hi ? hi : v;
            }
          }
        }
      }
    },
    images: () => unpack(x, nPixels, l),
    setImages: (images, clamp = true) => setImages(images, 'images', clamp),
  };
}

/** Run `iterations` SIRT iterations on a batch of sinograms (layout [angle, detector] each). */
export function sirt(op: ProjectionOperator, sinograms: readonly Float32Array[], options: SirtOptions): SirtResult {
  const solver = sirtSolver(op, sinograms, options);
  solver.iterate(options.iterations);
  return { images: solver.images(), residualNorms: [...solver.residualNorms] };
}

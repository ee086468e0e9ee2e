import { ShapeError, ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';

export interface TsneOptions {
  /** Effective number of neighbours (van der Maaten & Hinton: 5–50). */
  perplexity?: number;
  iterations?: number;
  /** Output dimension (2 for a scatter plot). */
  dims?: number;
  learningRate?: number;
  /** Early exaggeration factor and how many iterations it lasts (scikit-learn: 12, 250). */
  exaggeration?: number;
  exaggerationIters?: number;
  seed: number;
}

export interface TsneResult {
  /** Embedding, row-major [n, dims]. */
  y: Float64Array;
  n: number;
  dims: number;
  /** KL(P‖Q) at the end (lower = the map keeps the neighbourhoods better). */
  kl: number;
}

/** The largest n: exact t-SNE is O(n²) in time and memory per iteration. */
export const TSNE_MAX_POINTS = 2000;

/**
 * Conditional affinities p_{j|i} ∝ exp(−β_i ‖x_i − x_j‖²) with β_i found by bisection so that
 * the entropy of row i is log(perplexity) (van der Maaten & Hinton 2008, section 2).
 */
function affinities(d2: Float64Array, n: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    const row = d2.subarray(i * n, (i + 1) * n);
    // Subtracting the nearest neighbour's distance keeps exp() from underflowing for far points.
    let dmin = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && row[j] < dmin) dmin = row[j];
    for (let it = 0; it < 64; it++) {
      let sum = 0;
      let sumDP = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const e = Math.exp(-beta * (row[j] - dmin));
        p[i * n + j] = e;
        sum += e;
        sumDP += (row[j] - dmin) * e;
      }
      const h = Math.log(sum) + (beta * sumDP) / sum; // entropy in nats
      for (let j = 0; j < n; j++) p[i * n + j] /= sum;
      if (Math.abs(h - target) < 1e-5) break;
      if (h > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
  }
  return p;
}

/**
 * Exact t-SNE (van der Maaten & Hinton 2008) for up to a couple of thousand points: Gaussian
 * input affinities at a fixed perplexity, Student-t output affinities, gradient descent with
 * momentum, per-parameter gains and early exaggeration. Seeded: same input and seed, same map.
 * `x` is row-major [n, d].
 */
export function tsne(x: ArrayLike<number>, n: number, o: TsneOptions): TsneResult {
  const d = x.length / n;
  if (!(Number.isInteger(n) && n >= 4) || !Number.isInteger(d) || d < 1) throw new ShapeError(`t-SNE got ${x.length} values for n = ${n} points; give row-major [n, d] data with n ≥ 4.`);
  if (n > TSNE_MAX_POINTS) throw new ValueRangeError(`t-SNE got ${n} points; exact t-SNE is O(n²): subsample to at most ${TSNE_MAX_POINTS}.`);
  const perplexity = o.perplexity ?? 30;
  if (!(perplexity > 1 && perplexity < n)) throw new ValueRangeError(`perplexity ${perplexity} must lie in (1, n = ${n}); use about 30 (or n/4 for few points).`);
  const dims = o.dims ?? 2;
  const iters = o.iterations ?? 1000;
  const lr = o.learningRate ?? Math.max(n / (o.exaggeration ?? 12) / 4, 50);
  const exag = o.exaggeration ?? 12;
  const exagIters = o.exaggerationIters ?? Math.min(250, Math.floor(iters / 4));
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new ValueRangeError(`t-SNE input holds ${x[i]} at flat index ${i}; remove NaN / infinite rows.`);

  // Squared distances, scaled so the bisection starts near a sensible β for any data scale.
  const d2 = new Float64Array(n * n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[i * d + k] - x[j * d + k];
        s += t * t;
      }
      d2[i * n + j] = d2[j * n + i] = s;
      mean += s;
    }
  }
  mean /= (n * (n - 1)) / 2;
  if (mean > 0) for (let i = 0; i < d2.length; i++) d2[i] /= mean;

  // Joint P: symmetrised conditionals, p_ij = (p_{j|i} + p_{i|j}) / 2n.
  const cond = affinities(d2, n, perplexity);
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) p[i * n + j] = Math.max((cond[i * n + j] + cond[j * n + i]) / (2 * n), 1e-12);
  for (let i = 0; i < n; i++) p[i * n + i] = 0;

  const rng = makeRng(o.seed);
  const y = new Float64Array(n * dims);
  for (let i = 0; i < y.length; i++) y[i] = 1e-4 * rng.normal();
  const update = new Float64Array(n * dims);
  const gains = new Float64Array(n * dims).fill(1);
  const grad = new Float64Array(n * dims);
  const num = new Float64Array(n * n);
  let kl = NaN;

  for (let it = 0; it < iters; it++) {
    const ex = it < exagIters ? exag : 1;
    // Student-t kernel 1 / (1 + ‖y_i − y_j‖²) and its sum (Q's normaliser).
    let z = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let k = 0; k < dims; k++) {
          const t = y[i * dims + k] - y[j * dims + k];
          s += t * t;
        }
        const q = 1 / (1 + s);
        num[i * n + j] = num[j * n + i] = q;
        z += 2 * q;
      }
    }
    // ∂C/∂y_i = 4 Σ_j (ex·p_ij − q_ij) (y_i − y_j) / (1 + ‖y_i − y_j‖²)   (eq. 5 of the paper)
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const m = (ex * p[i * n + j] - num[i * n + j] / z) * num[i * n + j];
        for (let k = 0; k < dims; k++) grad[i * dims + k] += 4 * m * (y[i * dims + k] - y[j * dims + k]);
      }
    }
    const momentum = it < exagIters ? 0.5 : 0.8;
    for (let i = 0; i < y.length; i++) {
      // Gains grow where the gradient keeps its direction against the step, shrink where it flips.
      gains[i] = Math.sign(grad[i]) !== Math.sign(update[i]) ? gains[i] + 0.2 : Math.max(gains[i] * 0.8, 0.01);
      update[i] = momentum * update[i] - lr * gains[i] * grad[i];
      y[i] += update[i];
    }
    // Re-centre: the cost is translation invariant, drifting would only hurt float precision.
    for (let k = 0; k < dims; k++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i * dims + k];
      m /= n;
      for (let i = 0; i < n; i++) y[i * dims + k] -= m;
    }
    if (it === iters - 1) {
      kl = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) kl += p[i * n + j] * Math.log(p[i * n + j] / Math.max(num[i * n + j] / z, 1e-12));
    }
  }
  return { y, n, dims, kl };
}

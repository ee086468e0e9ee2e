/**
 * Condition numbers of a square matrix, κ(A) = ‖A‖·‖A⁻¹‖: how much solving with A can magnify
 * relative errors. In float32 (ε ≈ 6e-8) an inverse applied to data loses about log10(κ) of its
 * ~7 digits, so κ = 1e4 leaves ~1e-4 relative accuracy.
 */

import { LuFactors, luSolve, luSolveTransposed } from './lu';

/** κ is past the limit a caller set: the inverse would be too inaccurate to trust. */
export class IllConditionedError extends Error {
  name = 'IllConditionedError';
}

/** ‖A‖₁ = max column sum of |a_ij| (row-major n×n). */
export function norm1(a: ArrayLike<number>, n: number): number {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) col[j] += Math.abs(a[i * n + j]);
  let m = 0;
  for (let j = 0; j < n; j++) if (col[j] > m) m = col[j];
  return m;
}

/** κ₁ = ‖A‖₁‖A⁻¹‖₁, exact given the inverse. Within a factor n of κ₂. */
export const condition1 = (a: ArrayLike<number>, inv: ArrayLike<number>, n: number): number => norm1(a, n) * norm1(inv, n);

/**
 * σ_max(A) by power iteration on AᵀA (float64). The Rayleigh quotient only grows towards σ_max²,
 * so the result is a lower bound; it stops when it changes by less than `tol` (relative).
 */
export function largestSingularValue(a: ArrayLike<number>, n: number, opts: { iterations?: number; tol?: number; seed?: number } = {}): number {
  const iterations = opts.iterations ?? 300;
  const tol = opts.tol ?? 1e-7;
  // A fixed, dense start vector (deterministic; with probability 1 not orthogonal to the top vector).
  let v = new Float64Array(n);
  let s = (opts.seed ?? 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 4294967296 - 0.5;
  }
  const av = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) v[i] /= norm;
    // av = A v, then w = Aᵀ (A v); ‖Av‖² is the Rayleigh quotient of AᵀA.
    let q = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      const r = i * n;
      for (let j = 0; j < n; j++) t += a[r + j] * v[j];
      av[i] = t;
      q += t * t;
    }
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = av[i];
      if (t === 0) continue;
      const r = i * n;
      for (let j = 0; j < n; j++) w[j] += a[r + j] * t;
    }
    const done = Math.abs(q - lambda) <= tol * q;
    lambda = q;
    v = w;
    if (done) break;
  }
  return Math.sqrt(lambda);
}

/**
 * κ₂ = σ_max(A)/σ_min(A) = σ_max(A)·σ_max(A⁻¹), from A and its inverse by power iteration
 * (each factor a lower bound, so κ₂ is too; tests compare it with a full SVD).
 */
export function condition2(a: ArrayLike<number>, inv: ArrayLike<number>, n: number): number {
  return largestSingularValue(a, n) * largestSingularValue(inv, n);
}

/**
 * ‖A⁻¹‖₁ estimated from the LU factors of A without forming A⁻¹ (Hager 1984, Higham 1988; LAPACK's
 * xLACON): a few solves with A and Aᵀ (O(n²) each instead of the inverse's O(n³)). The estimate is
 * a lower bound, exact in most cases and rarely off by more than a factor 3 (Higham's alternating
 * vector guards the known bad cases).
 */
export function inverseNorm1Estimate(f: LuFactors, maxIterations = 5): number {
  const n = f.n;
  let x = new Float64Array(n).fill(1 / n);
  let est = 0;
  let lastJ = -1;
  for (let it = 0; it < maxIterations; it++) {
    const y = luSolve(f, x); // A y = x
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Math.abs(y[i]);
    if (it > 0 && norm <= est) break; // no progress: est is the estimate
    est = norm;
    const xi = Float64Array.from(y, (v) => (v >= 0 ? 1 : -1));
    const z = luSolveTransposed(f, xi); // Aᵀ z = sign(y)
    let j = 0;
    let ztx = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(z[i]) > Math.abs(z[j])) j = i;
      ztx += z[i] * x[i];
    }
    if (Math.abs(z[j]) <= ztx || j === lastJ) break; // a local maximum of ‖A⁻¹x‖₁ over ‖x‖₁ = 1
    lastJ = j;
    x = new Float64Array(n);
    x[j] = 1;
  }
  // Higham's extra test vector b_i = (−1)^i (1 + i/(n−1)): catches matrices that fool the iteration.
  const b = Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + (n > 1 ? i / (n - 1) : 0)));
  const yb = luSolve(f, b);
  let alt = 0;
  for (let i = 0; i < n; i++) alt += Math.abs(yb[i]);
  return Math.max(est, (2 * alt) / (3 * n));
}

/** κ₁ ≈ ‖A‖₁ · est‖A⁻¹‖₁ from A and its LU factors: O(n²), a lower bound on the exact κ₁. */
export const condition1Estimate = (a: ArrayLike<number>, f: LuFactors): number => norm1(a, f.n) * inverseNorm1Estimate(f);

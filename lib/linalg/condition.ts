/**
 * Condition numbers of a square matrix, κ(A) = ‖A‖·‖A⁻¹‖: how much solving with A can magnify
 * relative errors. In float32 (ε ≈ 6e-8) an inverse applied to data loses about log10(κ) of its
 * ~7 digits, so κ = 1e4 leaves ~1e-4 relative accuracy.
 */

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

/**
 * LU factorisation with partial pivoting, PA = LU, in float64 on the JS side (tfjs has no matrix
 * inverse or determinant). Dense row-major matrices as Float64Array; a 784×784 factorisation takes
 * a fraction of a second. Used to invert the square weights of the invertible MLP and for log|det W|.
 */

/** The matrix has no inverse (in float64): a pivot vanished. */
export class SingularMatrixError extends Error {
  name = 'SingularMatrixError';
}

export interface LuFactors {
  n: number;
  /** L (unit lower, below the diagonal) and U (on and above it), packed row-major. */
  lu: Float64Array;
  /** Row i of PA is row perm[i] of A. */
  perm: Int32Array;
  /** det(P) = ±1. */
  sign: number;
}

function checkSquare(a: ArrayLike<number>, n: number, name: string): void {
  if (!(Number.isInteger(n) && n > 0) || a.length !== n * n) {
    throw new RangeError(`${name}: ${a.length} values do not make a ${n}×${n} matrix; pass n with n·n = values.length.`);
  }
}

/**
 * Doolittle elimination, row-oriented so the inner loop runs over contiguous memory. A pivot at or
 * below n·ε·max|a| (ε = 2.2e-16) counts as zero: such a matrix is singular to working precision.
 */
export function luFactor(a: ArrayLike<number>, n: number, name = 'matrix'): LuFactors {
  checkSquare(a, n, name);
  const lu = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let scale = 0;
  for (let i = 0; i < lu.length; i++) {
    const v = Math.abs(lu[i]);
    if (!Number.isFinite(v)) throw new SingularMatrixError(`${name} holds ${lu[i]} at flat index ${i}; an LU factorisation needs finite entries (check the training for NaN).`);
    if (v > scale) scale = v;
  }
  const tiny = n * 2.220446049250313e-16 * scale;
  for (let k = 0; k < n; k++) {
    // Partial pivoting: the largest |entry| of column k at or below the diagonal.
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny)) {
      throw new SingularMatrixError(
        `${name} (${n}×${n}) is singular: the largest pivot left in column ${k} is ${best.toExponential(3)} (≤ ${tiny.toExponential(3)} = n·ε·max|a|); ` +
          'it has no inverse. Re-initialise the weights (e.g. a random or orthogonal W) or lower the learning rate that collapsed it.',
      );
    }
    if (p !== k) {
      const rk = lu.subarray(k * n, k * n + n);
      const tmp = Float64Array.from(rk);
      rk.set(lu.subarray(p * n, p * n + n));
      lu.set(tmp, p * n);
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = lu[ri + k] / pivot;
      lu[ri + k] = l;
      if (l === 0) continue;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) lu[ri + j] -= l * lu[rk + j];
    }
  }
  return { n, lu, perm, sign };
}

/** Solve A X = B for X, with B n×m row-major (m right-hand sides). */
export function luSolve(f: LuFactors, b: ArrayLike<number>, m = 1): Float64Array {
  const { n, lu, perm } = f;
  if (b.length !== n * m) throw new RangeError(`right-hand side has ${b.length} values, not ${n}×${m}; pass m columns of length ${n}.`);
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) x[i * m + j] = b[perm[i] * m + j];
  // Forward substitution with the unit lower factor, one row of X at a time.
  for (let i = 0; i < n; i++) {
    const xi = i * m;
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k];
      if (l === 0) continue;
      const xk = k * m;
      for (let j = 0; j < m; j++) x[xi + j] -= l * x[xk + j];
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * m;
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k];
      if (u === 0) continue;
      const xk = k * m;
      for (let j = 0; j < m; j++) x[xi + j] -= u * x[xk + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < m; j++) x[xi + j] /= d;
  }
  return x;
}

/**
 * A⁻¹ (row-major) from its factors: A⁻¹ = U⁻¹ L⁻¹ P. L⁻¹ is lower triangular, so its forward
 * substitution skips the zeros above the diagonal (n³/6 instead of n³/2 multiply-adds).
 */
export function luInverse(f: LuFactors): Float64Array {
  const { n, lu, perm } = f;
  // Y = L⁻¹, row by row: Y_i = e_i − Σ_{k<i} l_ik Y_k, where Y_k is zero past column k.
  const y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const yi = i * n;
    y[yi + i] = 1;
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k];
      if (l === 0) continue;
      const yk = k * n;
      for (let j = 0; j <= k; j++) y[yi + j] -= l * y[yk + j];
    }
  }
  // X = U⁻¹ Y by back substitution.
  for (let i = n - 1; i >= 0; i--) {
    const yi = i * n;
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k];
      if (u === 0) continue;
      const yk = k * n;
      for (let j = 0; j < n; j++) y[yi + j] -= u * y[yk + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < n; j++) y[yi + j] /= d;
  }
  // A⁻¹ = X P: column perm[j] of A⁻¹ is column j of X (PA = LU ⇒ A⁻¹ = U⁻¹L⁻¹P).
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inv[i * n + perm[j]] = y[i * n + j];
  return inv;
}

/** log|det A| = Σ log|u_ii| (P and the unit L contribute only a sign). */
export function luLogAbsDet(f: LuFactors): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(Math.abs(f.lu[i * f.n + i]));
  return s;
}

/** det A = sign(P) · Π u_ii (overflows for large n: prefer luLogAbsDet). */
export function luDet(f: LuFactors): number {
  let d = f.sign;
  for (let i = 0; i < f.n; i++) d *= f.lu[i * f.n + i];
  return d;
}

/**
 * Solve Aᵀ X = B for X (B n×m row-major), from the factors of A: with PA = LU, Aᵀ = Uᵀ Lᵀ P, so
 * solve Uᵀ V = B (forward), Lᵀ Y = V (backward), then X = Pᵀ Y. Column-oriented ("right-looking"),
 * so each step reads one contiguous row of the packed factors and updates whole rows of X.
 * A row vector x with x A = z is the solution of Aᵀ xᵀ = zᵀ: this is how the invertible MLP undoes
 * a layer X W = Z without forming W⁻¹.
 */
export function luSolveTransposed(f: LuFactors, b: ArrayLike<number>, m = 1): Float64Array {
  const { n, lu, perm } = f;
  if (b.length !== n * m) throw new RangeError(`right-hand side has ${b.length} values, not ${n}×${m}; pass m columns of length ${n}.`);
  const y = Float64Array.from(b);
  // Uᵀ V = B: (Uᵀ)_ik = u_ki for k ≤ i.
  for (let k = 0; k < n; k++) {
    const yk = k * m;
    const d = lu[k * n + k];
    for (let j = 0; j < m; j++) y[yk + j] /= d;
    for (let i = k + 1; i < n; i++) {
      const u = lu[k * n + i];
      if (u === 0) continue;
      const yi = i * m;
      for (let j = 0; j < m; j++) y[yi + j] -= u * y[yk + j];
    }
  }
  // Lᵀ Y = V: (Lᵀ)_ik = l_ki for k > i, unit diagonal.
  for (let k = n - 1; k > 0; k--) {
    const yk = k * m;
    for (let i = 0; i < k; i++) {
      const l = lu[k * n + i];
      if (l === 0) continue;
      const yi = i * m;
      for (let j = 0; j < m; j++) y[yi + j] -= l * y[yk + j];
    }
  }
  // X = Pᵀ Y: row perm[i] of X is row i of Y.
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) x.set(y.subarray(i * m, i * m + m), perm[i] * m);
  return x;
}

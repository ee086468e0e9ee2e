import { Matrix, QR } from 'ml-matrix';
import { ValueRangeError } from '../tensor/guards';
import { Rng } from '../tensor/rng';
import { DenseMatrix, matmul, rowsOf, svd, Svd, toMatrix } from './svd';

/**
 * The pseudo-inverse of W (rows×cols) with its condition number clamped (paper 001, Fig. 2 line 7):
 * singular values below σ₁/CondNum are zeroed, so W⁺ = V_r Σ_r⁻¹ U_rᵀ over the r kept ones and
 * κ = σ₁/σ_r ≤ CondNum. The dropped right singular directions join the null space.
 */
export interface ClampedPinv {
  rows: number;
  cols: number;
  /** All singular values of W, descending. */
  s: Float64Array;
  condNum: number;
  /** σ₁ / CondNum: singular values below it are zeroed. */
  cutoff: number;
  /** r: how many singular values are kept. */
  kept: number;
  /** κ of W before the clamp: σ₁ / smallest non-zero σ (Infinity for W = 0). */
  conditionBefore: number;
  /** κ after the clamp: σ₁ / σ_r ≤ CondNum. */
  conditionAfter: number;
  /** W⁺, cols×rows. */
  pinv: Matrix;
  /** V_r, cols×r: an orthonormal basis of the kept row space; the null space is its complement. */
  rowSpace: Matrix;
  /** cols − r: dimension of the (clamped) null space. */
  nullDim: number;
}

/** Numerically zero: σ at or below max(rows, cols)·ε·σ₁ (the rank rule of LAPACK / numpy). */
const isZero = (sigma: number, s1: number, size: number) => sigma <= size * 2.2e-16 * s1;

/** How many singular values survive the clamp σ ≥ σ₁/condNum (and are not numerically zero). */
export function keptByClamp(s: Float64Array, condNum: number, size: number): { kept: number; nonZero: number; cutoff: number } {
  if (!(condNum >= 1)) throw new ValueRangeError(`condNum=${condNum} must be ≥ 1 (the paper uses 100); it is the largest σ₁/σ_k kept.`);
  const s1 = s[0] ?? 0;
  const cutoff = s1 / condNum;
  let kept = 0;
  while (kept < s.length && s[kept] >= cutoff && !isZero(s[kept], s1, size)) kept++;
  let nonZero = 0;
  while (nonZero < s.length && !isZero(s[nonZero], s1, size)) nonZero++;
  return { kept, nonZero, cutoff };
}

/** W⁺ with κ ≤ condNum. `condNum` (paper: 100) must be ≥ 1; Infinity keeps every non-zero σ. */
export function clampedPinv(w: DenseMatrix | Matrix | Svd, condNum = 100): ClampedPinv {
  if (!(condNum >= 1)) throw new ValueRangeError(`clampedPinv: condNum=${condNum} must be ≥ 1 (the paper uses 100); it is the largest σ₁/σ_k kept.`);
  const d: Svd = 'u' in w && 's' in w ? (w as Svd) : svd(w as DenseMatrix | Matrix);
  const { rows, cols, s } = d;
  const size = Math.max(rows, cols);
  const s1 = s[0] ?? 0;
  if (!(s1 > 0)) throw new ValueRangeError(`clampedPinv: W (${rows}×${cols}) is all zeros (σ₁ = ${s1}); it has no pseudo-inverse worth using — check that the layer was trained.`);
  const { kept, nonZero, cutoff } = keptByClamp(s, condNum, size);
  const idx = Array.from({ length: kept }, (_, i) => i);
  const vr = d.v.subMatrixColumn(idx);
  const ur = d.u.subMatrixColumn(idx);
  // W⁺ = V_r Σ_r⁻¹ U_rᵀ: scale the columns of V_r by 1/σ, then multiply by U_rᵀ.
  const vs = vr.clone();
  for (const row of rowsOf(vs)) for (let j = 0; j < kept; j++) row[j] /= s[j];
  return {
    rows, cols, s, condNum, cutoff, kept,
    conditionBefore: s1 / s[nonZero - 1],
    conditionAfter: s1 / s[kept - 1],
    pinv: matmul(vs, ur.transpose()),
    rowSpace: vr,
    nullDim: cols - kept,
  };
}

/** g − V_r V_rᵀ g for the columns of g (cols×m): the part W (clamped) does not see. */
export function projectToNullSpace(p: ClampedPinv, g: Matrix): Matrix {
  const coeff = matmul(p.rowSpace.transpose(), g);
  return g.clone().sub(matmul(p.rowSpace, coeff));
}

/**
 * An orthonormal basis (cols × nullDim) of the clamped null space, Null(W) in Fig. 2 line 10.
 * Built by a QR of projected random vectors (orthonormal with probability 1). The backward pass
 * samples N·s by projecting an isotropic Gaussian instead, which has the same distribution and
 * needs no basis; this is for inspection and tests.
 */
export function nullSpaceBasis(p: ClampedPinv, rng: Rng): Matrix {
  if (p.nullDim === 0) return new Matrix(p.cols, 0);
  const g = new Matrix(p.cols, p.nullDim);
  for (const row of rowsOf(g)) for (let j = 0; j < p.nullDim; j++) row[j] = rng.normal();
  const q = new QR(projectToNullSpace(p, g)).orthogonalMatrix;
  return q.subMatrixColumn(Array.from({ length: p.nullDim }, (_, i) => i));
}

export { toMatrix };

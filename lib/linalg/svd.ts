import { EVD, Matrix, SVD } from 'ml-matrix';
import { ShapeError, ValueRangeError } from '../tensor/guards';

/**
 * Thin singular value decomposition W = U Σ Vᵀ of a dense rows×cols matrix, in float64 with
 * ml-matrix (tfjs has no SVD). k = min(rows, cols) triplets, σ in descending order.
 */
export interface Svd {
  rows: number;
  cols: number;
  /** σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0. */
  s: Float64Array;
  /** rows×k left singular vectors (columns for σ = 0 are zero: they are not determined by W). */
  u: Matrix;
  /** cols×k right singular vectors (columns for σ = 0 are zero when rows < cols). */
  v: Matrix;
}

/** A matrix as row-major values with its size (what tf.Tensor2D.dataSync() gives). */
export interface DenseMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** ml-matrix keeps rows as Float64Arrays in `data` (not in its typings): flat loops over them are fast. */
export const rowsOf = (m: Matrix): Float64Array[] => (m as unknown as { data: Float64Array[] }).data;

export function toMatrix(m: DenseMatrix | Matrix): Matrix {
  if (m instanceof Matrix) return m;
  if (!(Number.isInteger(m.rows) && Number.isInteger(m.cols) && m.rows > 0 && m.cols > 0) || m.data.length !== m.rows * m.cols) {
    throw new ShapeError(`a ${m.rows}×${m.cols} matrix needs ${m.rows * m.cols} values but ${m.data.length} were given; pass rows·cols row-major values.`);
  }
  const out = new Matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    const row = rowsOf(out)[i];
    for (let j = 0; j < m.cols; j++) row[j] = m.data[i * m.cols + j];
  }
  return out;
}

/** AᵀA (transpose = true) or AAᵀ, in float64 with flat loops (ml-matrix's mmul is ~5× slower here). */
function gram(a: Matrix, transpose: boolean): Matrix {
  const [m, n] = [a.rows, a.columns];
  const rows = rowsOf(a);
  const size = transpose ? n : m;
  const g = new Float64Array(size * size);
  if (transpose) {
    // (AᵀA)_jk = Σ_i a_ij a_ik: accumulate one row's outer product at a time (contiguous reads).
    for (let i = 0; i < m; i++) {
      const r = rows[i];
      for (let j = 0; j < n; j++) {
        const v = r[j];
        if (v === 0) continue;
        const o = j * n;
        for (let k = j; k < n; k++) g[o + k] += v * r[k];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        const a1 = rows[i];
        const a2 = rows[j];
        let t = 0;
        for (let k = 0; k < n; k++) t += a1[k] * a2[k];
        g[i * m + j] = t;
      }
    }
  }
  const out = new Matrix(size, size);
  const o = rowsOf(out);
  for (let i = 0; i < size; i++) for (let j = i; j < size; j++) o[i][j] = o[j][i] = g[i * size + j];
  return out;
}

/** A·B with flat float64 loops (i-k-j order: the inner loop runs along rows of B and C). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.columns !== b.rows) throw new ShapeError(`matmul: ${a.rows}×${a.columns} times ${b.rows}×${b.columns} do not fit; the inner sizes must agree.`);
  const c = new Matrix(a.rows, b.columns);
  const brows = rowsOf(b);
  for (let i = 0; i < a.rows; i++) {
    const ar = rowsOf(a)[i];
    const cr = rowsOf(c)[i];
    for (let k = 0; k < a.columns; k++) {
      const v = ar[k];
      if (v === 0) continue;
      const br = brows[k];
      for (let j = 0; j < cr.length; j++) cr[j] += v * br[j];
    }
  }
  return c;
}

/**
 * SVD of W. `method: 'gram'` (default) takes the symmetric eigendecomposition of the smaller Gram
 * matrix (WᵀW = V Σ² Vᵀ, then U = W V Σ⁻¹): 2–3× faster than ml-matrix's Golub–Kahan SVD on
 * 784×784 weights. Squaring the condition number is harmless for our use: the clamped
 * pseudo-inverse keeps only σ ≥ σ₁/CondNum (CondNum ≈ 100), i.e. λ ≥ λ₁·1e-4, far above float64's
 * 1e-16 relative accuracy (σ below √ε·σ₁ ≈ 1e-7·σ₁ come out as 0). `method: 'golub-kahan'` calls ml-matrix's SVD directly (the tests
 * compare the two).
 */
export function svd(w: DenseMatrix | Matrix, opts: { method?: 'gram' | 'golub-kahan' } = {}): Svd {
  const a = toMatrix(w);
  const [rows, cols] = [a.rows, a.columns];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = rowsOf(a)[i][j];
      if (!Number.isFinite(x)) throw new ValueRangeError(`svd: W[${i}][${j}] = ${x}; the SVD needs finite entries (check the trained weights for NaN).`);
    }
  }
  const k = Math.min(rows, cols);
  if ((opts.method ?? 'gram') === 'golub-kahan') {
    const d = new SVD(a, { autoTranspose: true });
    const order = Array.from({ length: k }, (_, i) => i).sort((p, q) => d.diagonal[q] - d.diagonal[p]);
    const s = Float64Array.from(order, (i) => Math.max(0, d.diagonal[i]));
    const u = d.leftSingularVectors.subMatrixColumn(order);
    const v = d.rightSingularVectors.subMatrixColumn(order);
    return { rows, cols, s, u, v };
  }
  // Eigenvectors of the k×k Gram matrix are the singular vectors on the short side.
  const tall = rows >= cols;
  const e = new EVD(gram(a, tall), { assumeSymmetric: true });
  const lambda = e.realEigenvalues;
  const vecs = e.eigenvectorMatrix;
  const order = Array.from({ length: k }, (_, i) => i).sort((p, q) => lambda[q] - lambda[p]);
  const s = Float64Array.from(order, (i) => Math.sqrt(Math.max(0, lambda[i])));
  const short = vecs.subMatrixColumn(order); // V (tall) or U (wide)
  // The other side: U = W V Σ⁻¹ (tall) or V = Wᵀ U Σ⁻¹ (wide); zero where σ vanishes.
  const other = matmul(tall ? a : a.transpose(), short);
  // Through the Gram matrix σ is resolved only down to about √ε·σ₁ (λ = σ² carries ε·λ₁ of
  // rounding), so smaller ones are reported as 0: rank decisions below that are noise.
  const tiny = s[0] * 1e-7;
  for (let j = 0; j < k; j++) if (s[j] <= tiny) s[j] = 0;
  for (let j = 0; j < k; j++) {
    const f = s[j] > 0 ? 1 / s[j] : 0;
    for (let i = 0; i < other.rows; i++) rowsOf(other)[i][j] *= f;
  }
  return tall ? { rows, cols, s, u: other, v: short } : { rows, cols, s, u: short, v: other };
}

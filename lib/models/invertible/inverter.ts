import * as tf from '@tensorflow/tfjs';
import { condition1Estimate, IllConditionedError } from '../../linalg/condition';
import { LuFactors, luFactor, luInverse, luLogAbsDet, luSolveTransposed } from '../../linalg/lu';
import { assertFinite, ShapeError, ValueRangeError } from '../../tensor/guards';

/**
 * The exact inverse of the invertible MLP, frozen at the weights it was built from. Every block
 * Y = φ(XW + B) is undone last block first as X = (φ⁻¹(Y) − B) W⁻¹, where "· W⁻¹" is a solve:
 *
 * 'float64' (default): the rows are solved from X W = Z, i.e. Wᵀ Xᵀ = Zᵀ, with the LU factors of
 *   W (partial pivoting) in float64 on the JS side, φ⁻¹ and the bias in float64 too; only the
 *   result is rounded to float32. LU with partial pivoting is backward stable, so the solve adds
 *   an error of order κ(W)·ε₆₄ ≈ κ·1e-16: nothing. What remains is the float32 rounding of the
 *   forward pass, amplified by at most κ(W) per block (see `roundTripErrors`).
 * 'float32': the old way, W⁻¹ formed in float64, rounded to float32 and applied with tf.matMul:
 *   rounding W⁻¹ and summing 784 float32 products adds errors of order κ(W)·ε₃₂ ≈ κ·6e-8 per block.
 */
export type InversePrecision = 'float64' | 'float32';

export interface Inverter {
  /** κ₁(W_k) = ‖W_k‖₁‖W_k⁻¹‖₁ per block (‖W⁻¹‖₁ by Hager–Higham's estimator, a lower bound, usually exact). */
  conditions: number[];
  /** log|det W_k| per block. */
  logAbsDets: number[];
  precision: InversePrecision;
  /** The class means μ_a of the target N(μ_a, I), 10×784 row-major (2a unless learned): where generation draws noise. */
  means: Float32Array;
  /** Outputs [n,784] → inputs [n,784] (float32 tensor). Refuses non-finite inputs. */
  inverse(y: tf.Tensor): tf.Tensor2D;
  /** The same in float64 on row-major rows (m×784): for measuring the inverse without float32 anywhere. */
  inverseRows(y: ArrayLike<number>, m: number): Float64Array;
  /** The forward pass in float64 with the frozen weights (m×784 rows): the reference for round-trip tests. */
  forwardRows(x: ArrayLike<number>, m: number): Float64Array;
  dispose(): void;
}

/** κ₁ above this refuses: float32 keeps ~7 digits, so the inverse would keep fewer than one. */
export const DEFAULT_MAX_CONDITION = 1e7;

export interface InverterSource {
  name: string;
  /** W_k [784,784] and B_k [784]. */
  weights: tf.Tensor2D[];
  biases: tf.Tensor1D[];
  /** LeakyReLU slope, null for linear blocks. */
  slope: number | null;
  /** Class means [10,784]. */
  means: tf.Tensor2D;
}

const DIM = 784;

/** φ⁻¹ for LeakyReLU: exact, since φ is a bijection of ℝ. */
export function leakyReluInverse(y: tf.Tensor, slope: number): tf.Tensor {
  return tf.tidy(() => tf.where(tf.greaterEqual(y, 0), y, tf.div(y, slope)));
}

const checkRows = (v: ArrayLike<number>, m: number, what: string): void => {
  if (!(Number.isInteger(m) && m >= 1) || v.length !== m * DIM) throw new ShapeError(`${what}: ${v.length} values are not ${m} rows of ${DIM}; pass m with m·784 = values.length.`);
};

export function buildInverter(src: InverterSource, opts: { maxCondition?: number; precision?: InversePrecision } = {}): Inverter {
  const maxCondition = opts.maxCondition ?? DEFAULT_MAX_CONDITION;
  const precision = opts.precision ?? 'float64';
  const { name, slope } = src;
  const blocks = src.weights.length;
  const factors: LuFactors[] = [];
  const w64: Float64Array[] = [];
  const conditions: number[] = [];
  const logAbsDets: number[] = [];
  const invT: tf.Tensor2D[] = [];
  try {
    for (let k = 0; k < blocks; k++) {
      const w = src.weights[k].dataSync() as Float32Array;
      const f = luFactor(w, DIM, `${name} W${k + 1}`);
      const kappa = condition1Estimate(w, f);
      if (!(kappa <= maxCondition)) {
        throw new IllConditionedError(
          `${name} W${k + 1} has condition number κ₁ = ${kappa.toExponential(3)} > ${maxCondition.toExponential(1)}: an inverse would magnify the float32 rounding of its input by up to that factor and keep about ${Math.max(0, 7 - Math.log10(kappa)).toFixed(1)} correct digits. ` +
            'Retrain with a smaller learning rate (or fewer epochs), or pass a larger maxCondition to accept a less accurate inverse.',
        );
      }
      factors.push(f);
      w64.push(Float64Array.from(w));
      conditions.push(kappa);
      logAbsDets.push(luLogAbsDet(f));
      if (precision === 'float32') invT.push(tf.tensor2d(Float32Array.from(luInverse(f)), [DIM, DIM]));
    }
  } catch (e) {
    tf.dispose(invT);
    throw e;
  }
  const b64 = src.biases.map((b) => Float64Array.from(b.dataSync()));
  const biasCopies = precision === 'float32' ? src.biases.map((b) => b.clone()) : [];

  // Rows are kept transposed (784×m, row-major), the layout luSolveTransposed takes and returns.
  const toT = (v: ArrayLike<number>, m: number): Float64Array => {
    const t = new Float64Array(DIM * m);
    for (let r = 0; r < m; r++) for (let p = 0; p < DIM; p++) t[p * m + r] = v[r * DIM + p];
    return t;
  };
  const fromT = (t: Float64Array, m: number): Float64Array => {
    const v = new Float64Array(m * DIM);
    for (let p = 0; p < DIM; p++) for (let r = 0; r < m; r++) v[r * DIM + p] = t[p * m + r];
    return v;
  };

  const inverseRows = (y: ArrayLike<number>, m: number): Float64Array => {
    checkRows(y, m, `${name} inverse input`);
    let h = toT(y, m);
    for (let k = blocks - 1; k >= 0; k--) {
      const b = b64[k];
      for (let p = 0; p < DIM; p++) {
        for (let r = p * m, end = r + m; r < end; r++) {
          const v = h[r];
          h[r] = (slope === null || v >= 0 ? v : v / slope) - b[p];
        }
      }
      h = luSolveTransposed(factors[k], h, m); // X W = Z  ⇔  Wᵀ Xᵀ = Zᵀ
    }
    return fromT(h, m);
  };

  const forwardRows = (x: ArrayLike<number>, m: number): Float64Array => {
    checkRows(x, m, `${name} forward input`);
    let h = Float64Array.from(x);
    for (let k = 0; k < blocks; k++) {
      const w = w64[k];
      const b = b64[k];
      const z = new Float64Array(m * DIM);
      for (let r = 0; r < m; r++) {
        const zr = z.subarray(r * DIM, (r + 1) * DIM);
        zr.set(b);
        for (let i = 0; i < DIM; i++) {
          const v = h[r * DIM + i];
          if (v === 0) continue;
          const wi = i * DIM;
          for (let j = 0; j < DIM; j++) zr[j] += v * w[wi + j];
        }
        if (slope !== null) for (let j = 0; j < DIM; j++) if (zr[j] < 0) zr[j] *= slope;
      }
      h = z;
    }
    return h;
  };

  const inverse = (y: tf.Tensor): tf.Tensor2D => {
    if (y.rank < 2 || y.shape.slice(1).reduce((a, b) => a * b, 1) !== DIM) {
      throw new ShapeError(`${name} inverse input has shape [${y.shape.join(',')}]; the invertible MLP inverts [n,784] rows (or [n,28,28,1]).`);
    }
    const m = y.shape[0];
    const data = y.dataSync() as Float32Array;
    // LeakyReLU's inverse is defined on all of ℝ, so only NaN/±∞ are outside its range.
    assertFinite(data, `${name} inverse input`);
    let out: tf.Tensor2D;
    if (precision === 'float64') {
      out = tf.tensor2d(Float32Array.from(inverseRows(data, m)), [m, DIM]);
    } else {
      out = tf.tidy(() => {
        let h = y.reshape([m, DIM]) as tf.Tensor2D;
        for (let k = blocks - 1; k >= 0; k--) {
          const z = slope === null ? h : (leakyReluInverse(h, slope) as tf.Tensor2D);
          h = tf.matMul(tf.sub(z, biasCopies[k]), invT[k]);
        }
        return h;
      });
    }
    try {
      assertFinite(out, `${name} inverse output`);
    } catch (e) {
      out.dispose();
      throw new ValueRangeError(`${(e as Error).message} The input is finite but too large to invert in float32 (1/slope = ${slope === null ? 1 : 1 / slope} per block multiplies negatives); scale the input down.`);
    }
    return out;
  };

  return {
    conditions,
    logAbsDets,
    precision,
    means: Float32Array.from(src.means.dataSync()),
    inverse,
    inverseRows,
    forwardRows,
    dispose: () => tf.dispose([...invT, ...biasCopies]),
  };
}

import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../tensor/rng';
import { ShapeError, ValueRangeError } from '../../tensor/guards';
import { Net } from '../net';
import { buildInverter, InversePrecision, Inverter } from './inverter';

export { DEFAULT_MAX_CONDITION, leakyReluInverse } from './inverter';
export type { InversePrecision, Inverter } from './inverter';

/**
 * The invertible MLP of Guo & Wang (slides 000): blocks
 *   Y = φ(XW + B),  W square (784×784),  φ = LeakyReLU(slope) or the identity,
 * inverted block by block, last to first:
 *   X = (φ⁻¹(Y) − B) W⁻¹,   φ⁻¹(y) = y (y ≥ 0), y/slope (y < 0).
 * W must be square (a 784 → k map with k < 784 loses information; k > 784 has no left inverse
 * on most of its range), and φ must be a bijection of ℝ: ReLU (slope 0) is not.
 */
export const PIXELS = 784;

export type InvertibleVariant = 'base' | 'small' | 'noActivations';

export interface InvertibleMlpOptions {
  /** Number of blocks (Base 4, Small 1, NoActivations 4). */
  blocks: number;
  /** LeakyReLU slope in (0, 1]; null for linear blocks. The models use 0.2: PyTorch's default 0.01 multiplies negatives by 100 per inverted block, and four such blocks lose the input to float32 rounding. */
  slope: number | null;
  seed: number;
  /** 'orthogonal' (default) or 'uniform' (PyTorch's default init; ill-conditioned). */
  init?: InvertibleInit;
  /**
   * Where class a's outputs should sit, N ~ N(μ_a, I). 'fixed' (default): the slides' μ_a = 2a·𝟙.
   * 'learned': μ_a is a trainable 784-vector per class, started at 2a·𝟙 (Glow's class-conditional
   * prior, Kingma & Dhariwal 2018). With fixed means the 10 targets lie on one line, and a linear
   * net maps a line to a line: its class means in pixel space must be c + a·v.
   */
  prior?: 'fixed' | 'learned';
  name?: string;
}

/** The slides' three models. */
export const INVERTIBLE_MODELS: Record<InvertibleVariant, Omit<InvertibleMlpOptions, 'seed'>> = {
  base: { blocks: 4, slope: 0.2, name: 'Base' },
  small: { blocks: 1, slope: 0.2, name: 'Small' },
  noActivations: { blocks: 4, slope: null, name: 'NoActivations' },
};

export interface InvertibleMlp extends Net {
  readonly options: InvertibleMlpOptions;
  /** Weights W_k [784,784] and biases B_k [784]. */
  readonly weights: tf.Variable<tf.Rank.R2>[];
  readonly biases: tf.Variable<tf.Rank.R1>[];
  /** The class means μ_a [10,784] of the target N(μ_a, I) (2a·𝟙 unless options.prior is 'learned'). */
  readonly means: tf.Variable<tf.Rank.R2>;
  /** Images [n,28,28,1] or rows [n,784] → embeddings N [n,784]. */
  apply(x: tf.Tensor): tf.Tensor2D;
  /**
   * The forward pass and Σ_k Σ_j log φ'(z_kj) per example (the activations' share of log|det J|):
   * log(slope) for each negative pre-activation, 0 otherwise; 0 for linear blocks.
   */
  applyWithActivationLogDet(x: tf.Tensor): { y: tf.Tensor2D; activationLogDet: tf.Tensor1D };
  /** Factorise every W (LU, float64); refuses singular or too ill-conditioned W (κ₁ > maxCondition). See inverter.ts. */
  inverter(opts?: { maxCondition?: number; precision?: InversePrecision }): Inverter;
  /** One-off inverse (builds and disposes an inverter; reuse inverter() for repeated calls). */
  inverse(y: tf.Tensor, opts?: { maxCondition?: number; precision?: InversePrecision }): tf.Tensor2D;
}

export function checkSlope(slope: number | null): void {
  if (slope === null) return;
  if (!(slope > 0 && slope <= 1 && Number.isFinite(slope))) {
    throw new ValueRangeError(`LeakyReLU slope ${slope} is not invertible: slope 0 is ReLU (it maps every negative input to 0) and a slope outside (0, 1] is not a LeakyReLU; use e.g. 0.01, or null for linear blocks.`);
  }
}

const asRows = (x: tf.Tensor, name: string): tf.Tensor2D => {
  if (x.size % PIXELS !== 0 || x.rank < 2 || x.shape.slice(1).reduce((a, b) => a * b, 1) !== PIXELS) {
    throw new ShapeError(`${name} has shape [${x.shape.join(',')}]; the invertible MLP takes [n,28,28,1] images or [n,784] rows.`);
  }
  return x.reshape([x.shape[0], PIXELS]);
};

/** How W starts: see initWeights. */
export type InvertibleInit = 'orthogonal' | 'uniform';

/**
 * 'uniform': PyTorch nn.Linear's default, U(−1/√784, 1/√784), which the slides' models most
 * likely started from. A random square W of this kind is invertible with probability 1, but its
 * κ₁ is ~1e5 and four of them in a row lose the input to float32 rounding.
 * 'orthogonal' (default): W = D₁ C Π D₂ with C the orthonormal DCT-II matrix, Π a random
 * permutation and D random signs: exactly orthogonal (κ₂ = 1), dense, and O(n²) to build, where
 * a Haar-random orthogonal matrix would need a 784×784 QR.
 */
function initWeights(seed: number, blocks: number, init: InvertibleInit): { w: Float32Array[]; b: Float32Array[] } {
  const rng = makeRng(seed);
  const n = PIXELS;
  const bound = 1 / Math.sqrt(n);
  const u = (m: number) => Float32Array.from({ length: m }, () => (2 * rng.uniform() - 1) * bound);
  const w: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let k = 0; k < blocks; k++) {
    if (init === 'uniform') {
      w.push(u(n * n));
    } else {
      const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)) as Int32Array;
      const s1 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
      const s2 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
      const m = new Float32Array(n * n);
      for (let i = 0; i < n; i++) {
        // Row i of C: the i-th DCT-II basis vector, c_i(j) = α_i cos(π (j + ½) i / n).
        const alpha = i === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
        for (let j = 0; j < n; j++) m[i * n + perm[j]] = s1[i] * alpha * Math.cos((Math.PI * (j + 0.5) * i) / n) * s2[perm[j]];
      }
      w.push(m);
    }
    b.push(u(n));
  }
  return { w, b };
}

export function createInvertibleMlp(o: InvertibleMlpOptions): InvertibleMlp {
  if (!(Number.isInteger(o.blocks) && o.blocks >= 1)) throw new RangeError(`blocks = ${o.blocks}; give a whole number ≥ 1 (Base 4, Small 1).`);
  checkSlope(o.slope);
  const init = initWeights(o.seed, o.blocks, o.init ?? 'orthogonal');
  const weights = init.w.map((w, k) => tf.variable(tf.tensor2d(w, [PIXELS, PIXELS]), true, `inv_w${k}_${o.seed}_${Math.random().toString(36).slice(2)}`));
  const biases = init.b.map((b, k) => tf.variable(tf.tensor1d(b), true, `inv_b${k}_${o.seed}_${Math.random().toString(36).slice(2)}`));
  const learned = o.prior === 'learned';
  if (o.prior !== undefined && o.prior !== 'fixed' && !learned) throw new RangeError(`prior "${o.prior}" is unknown; use 'fixed' (μ_a = 2a) or 'learned'.`);
  const means = tf.variable(
    tf.tensor2d(Float32Array.from({ length: 10 * PIXELS }, (_, i) => 2 * Math.floor(i / PIXELS)), [10, PIXELS]),
    learned,
    `inv_mu_${o.seed}_${Math.random().toString(36).slice(2)}`,
  );
  const slope = o.slope;
  const name = o.name ?? `InvertibleMLP(${o.blocks}×${slope === null ? 'linear' : `LeakyReLU ${slope}`})`;

  const applyWithActivationLogDet = (x: tf.Tensor) =>
    tf.tidy(() => {
      let h = asRows(x, `${name} input`);
      let logDet: tf.Tensor1D = tf.zeros([h.shape[0]]);
      for (let k = 0; k < o.blocks; k++) {
        const z = tf.add(tf.matMul(h, weights[k]), biases[k]) as tf.Tensor2D;
        if (slope === null) {
          h = z;
        } else {
          h = tf.leakyRelu(z, slope) as tf.Tensor2D;
          // log φ'(z) = log(slope) where z < 0: piecewise constant, so its gradient is 0 a.e. (step has one; less has none).
          if (slope !== 1) logDet = tf.add(logDet, tf.mul(tf.sum(tf.step(tf.neg(z)), 1), Math.log(slope)));
        }
      }
      return { y: h, activationLogDet: logDet };
    });

  const inverter = (opts: { maxCondition?: number; precision?: InversePrecision } = {}): Inverter =>
    buildInverter({ name, weights, biases, slope, means }, opts);

  const net: InvertibleMlp = {
    name,
    options: { ...o, name },
    weights,
    biases,
    means,
    apply: (x) => {
      const r = applyWithActivationLogDet(x);
      r.activationLogDet.dispose();
      return r.y;
    },
    applyWithActivationLogDet,
    inverter,
    inverse(y, opts) {
      const inv = inverter(opts);
      try {
        return inv.inverse(y);
      } finally {
        inv.dispose();
      }
    },
    trainableVars: () => [...weights, ...biases, ...(learned ? [means] : [])],
    getWeights: () => [...weights, ...biases, ...(learned ? [means] : [])],
    setWeights(ws) {
      const want = 2 * o.blocks + (learned ? 1 : 0);
      if (ws.length !== want) throw new RangeError(`${name} takes ${want} weight tensors (W₁..W${o.blocks}, B₁..B${o.blocks}${learned ? ', μ' : ''}), got ${ws.length}.`);
      ws.forEach((w, i) => (i < o.blocks ? (weights[i] as tf.Variable) : i < 2 * o.blocks ? (biases[i - o.blocks] as tf.Variable) : means).assign(w));
    },
    dispose: () => tf.dispose([...weights, ...biases, means]),
  };
  return net;
}

import * as tf from '@tensorflow/tfjs';
import { Net } from '../models/net';
import { assertNumber, assertShape, assertValues, ShapeError, ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { softmaxInverse } from './activations';
import { classDistribution, readValues, targetCheck } from './backpass';

/**
 * FORWARDPASSINV (paper 001, Fig. 1): from a random x₀, solve F(x) = y for ClassDistr y with the
 * Levenberg–Marquardt root finder (Nocedal & Wright ch. 10) on the mean-squared-error loss ½‖r‖²
 * of Sec. III-C, with the residual taken in centred-logit space:
 *   r(x) = C·net(x) − softmax⁻¹(y),  C = I − 11ᵀ/c removes the mean (softmax's free constant),
 * which has exactly the roots of softmax(net(x)) = y but does not saturate: on probabilities the
 * Jacobian vanishes once one class nears 1 and LM stalls there (we saw it stop at ‖r‖ = 0.053,
 * the distance from a one-hot output to y = 0.95 / 0.0056). Per iteration:
 *   J = ∂r/∂x (k×784, by autodiff),  δ = −(JᵀJ + μI)⁻¹ Jᵀ r,  x ← x + δ if ‖r‖ drops.
 * The 784×784 system is solved in the k-dimensional residual space by the push-through identity
 * (JᵀJ + μI)⁻¹Jᵀ = Jᵀ(JJᵀ + μI)⁻¹ (both sides times (JJᵀ + μI) agree): one k×k Cholesky solve
 * per image, exact, instead of factoring a 784×784 matrix.
 *
 * The exact point y can lie outside the set of outputs a network produces for any input: then LM
 * stops at a stationary point with r ≠ 0 (the least-squares point of that set; on notebook 02's
 * quick ViT, for some classes, from every start), while the paper's check only asks for
 * p(target) ≥ 0.9. The 'logOdds' residual solves for that region instead: one equation per image,
 * zero exactly where p(target) ≥ p.
 */

export class ForwardpassError extends ValueRangeError {
  name = 'ForwardpassError';
}

export type ForwardpassResidual = 'distribution' | 'margin' | 'logOdds';

export interface ForwardpassOptions {
  /** Target class per image (ClassDistr: `targetProb` on it, the rest spread evenly). */
  targets: Int32Array;
  /** Default 0.95. */
  targetProb?: number;
  /** Start images [n,28,28,1]; default uniform noise in [0,1] (seeded). Not disposed. */
  x0?: tf.Tensor4D;
  /** At most this many LM iterations (paper: 30). */
  iterations?: number;
  /** Stop an image when ‖r‖₂ ≤ tol (centred logits; default 1e-2, i.e. probabilities within ~1 %). */
  tol?: number;
  /** μ₀ = tau · max diag(JJᵀ) (Marquardt's scaling; default 1e-3). */
  tau?: number;
  /** Images per Jacobian batch (the batch holds 10× as many copies; default 16). */
  batch?: number;
  /**
   * 'distribution' (default, the paper's): r = C·net(x) − softmax⁻¹(y), zero only at softmax = y exactly.
   * 'margin': r_k = max(0, z_k − z_t + g) for k ≠ t, g = log(9·p/(1−p)) (p = targetProb): zero on the
   * whole region where the target logit leads every other by g, i.e. p(target) ≥ p and p(other) ≤ 1 − p.
   * 'logOdds': one residual r = max(0, log((1 − p_t)/p_t) − log((1 − p)/p)), where
   * log((1 − p_t)/p_t) = logsumexp_{k≠t} z_k − z_t: zero exactly where p(target) ≥ p (so every other
   * class ≤ 1 − p), linear in the logits far from it (no saturation), J is 1×784 (one backward pass).
   */
  residual?: ForwardpassResidual;
  seed: number;
  label?: string;
}

export interface ForwardpassResult {
  images: tf.Tensor4D;
  targets: Int32Array;
  /** Network probabilities on the final images [n,10] (the verification of Fig. 1 line 5). */
  probs: tf.Tensor2D;
  /** LM iterations each image took (≤ iterations). */
  iterations: Int32Array;
  /** Final ‖r‖₂ per image, r of the chosen residual (for 'distribution': ‖C·net(x) − softmax⁻¹(y)‖, centred logits). */
  residuals: Float32Array;
  /** ‖r‖ ≤ tol reached. */
  converged: boolean[];
  /** Mean ‖r‖ over the images after each iteration (index 0: at x₀). */
  history: number[];
  seconds: number;
}

/** Solve (A + μI) w = r for a symmetric positive semi-definite k×k A (row-major) by Cholesky, in float64. */
export function solveDamped(a: ArrayLike<number>, k: number, mu: number, r: ArrayLike<number>): Float64Array {
  if (!(mu > 0)) throw new ForwardpassError(`solveDamped: μ=${mu} must be > 0 (it makes JJᵀ + μI positive definite).`);
  if (!(Number.isInteger(k) && k >= 1 && a.length === k * k && r.length === k)) throw new ForwardpassError(`solveDamped: a has ${a.length} values and r ${r.length} for k = ${k}; pass a k×k matrix (row-major) and k right-hand values.`);
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] + (i === j ? mu : 0);
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        if (!(s > 0)) throw new ForwardpassError(`solveDamped: pivot ${i} is ${s} — JJᵀ + μI is not positive definite (non-finite Jacobian?); check the network output for NaN.`);
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j];
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = r[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * y[p];
    y[i] = s / l[i * k + i];
  }
  const w = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * w[p];
    w[i] = s / l[i * k + i];
  }
  return w;
}

/**
 * The Jacobian of softmax(net(x)) for each image of x [b,28,28,1], as [b, c, 784], with one
 * backward pass: each image is repeated c times and copy j back-propagates only output j
 * (∂/∂copy_j Σ_j F_j(copy_j) = ∂F_j/∂x). Valid because the net treats batch items independently
 * (true of every net here at inference: no batch norm in training mode).
 */
export function jacobian(net: Net, x: tf.Tensor4D, classes = 10, output: (logits: tf.Tensor) => tf.Tensor = tf.softmax): tf.Tensor3D {
  assertShape(x, [null, 28, 28, 1], 'jacobian x');
  assertNumber(classes, 'jacobian: classes', { integer: true, min: 1 }, 'the number of outputs per image, 10 for MNIST.', ForwardpassError);
  return tf.tidy(() => {
    const b = x.shape[0];
    const rep = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, classes, 1, 1, 1]), [b * classes, 28, 28, 1]);
    const mask = tf.tile(tf.eye(classes), [b, 1]);
    const g = tf.grad((xr: tf.Tensor) => tf.sum(tf.mul(output(net.apply(xr)), mask)))(rep);
    return tf.reshape(g, [b, classes, 784]) as tf.Tensor3D;
  });
}

/**
 * JJᵀ per image in float64 from J [b,k,n] (row-major): a float32 matMul over n = 784 terms rounds a
 * rank-deficient JJᵀ to an indefinite one (a negative Cholesky pivot of −3e-3 on a rank-1 case).
 */
function gram(j: Float32Array, b: number, k: number, n: number): Float64Array {
  const g = new Float64Array(b * k * k);
  for (let i = 0; i < b; i++) {
    for (let p = 0; p < k; p++) {
      const rp = (i * k + p) * n;
      for (let q = 0; q <= p; q++) {
        const rq = (i * k + q) * n;
        let s = 0;
        for (let t = 0; t < n; t++) s += j[rp + t] * j[rq + t];
        g[i * k * k + p * k + q] = s;
        g[i * k * k + q * k + p] = s;
      }
    }
  }
  return g;
}

/** Logits minus their mean per row: softmax cannot see the removed constant. */
export const centred = (logits: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sub(logits, tf.mean(logits, -1, true)));

/**
 * The margin residual for logits z [m,c] with one-hot targets t [m,c]: r_k = max(0, z_k − z_t + g), r_t = 0.
 * Its roots are every x whose target logit leads all others by ≥ g, a region instead of one point.
 */
export const marginResidual = (z: tf.Tensor, t: tf.Tensor, g: number): tf.Tensor => tf.tidy(() => {
  assertNumber(g, 'marginResidual: margin g', {}, 'log(9p/(1 − p)) for a target probability p in (0.1, 1).', ForwardpassError);
  const zt = tf.sum(tf.mul(z, t), -1, true);
  return tf.mul(tf.relu(tf.add(tf.sub(z, zt), g)), tf.sub(1, t));
});

/**
 * The log-odds residual for logits z [m,c] with one-hot targets t [m,c], one component per row:
 * r = max(0, log((1 − p_t)/p_t) − log((1 − p)/p)) with log((1 − p_t)/p_t) = logsumexp_{k≠t} z_k − z_t.
 * Zero exactly where p(target) ≥ p; elsewhere r grows like the logit gap, so its gradient does not
 * vanish (unlike 1 − p_t's). The target's own logit is masked out of the logsumexp by −1e9.
 */
export const logOddsResidual = (z: tf.Tensor, t: tf.Tensor, p: number): tf.Tensor => tf.tidy(() => {
  assertNumber(p, 'logOddsResidual: p', { above: 0, below: 1 }, 'the target probability, e.g. 0.95.', ForwardpassError);
  const zt = tf.sum(tf.mul(z, t), -1, true);
  const others = tf.logSumExp(tf.sub(z, tf.mul(t, 1e9)), -1, true);
  return tf.relu(tf.sub(tf.sub(others, zt), Math.log((1 - p) / p)));
});

/** A residual of k components per image: fn(logits [m,c], per-row targets [m,c]) → [m,k]. */
interface ResidualSpec {
  k: number;
  fn: (z: tf.Tensor, t: tf.Tensor) => tf.Tensor;
}

/** The residual a mode solves, for target probability p. Targets: centred logits ('distribution') or one-hot. */
function residualSpec(mode: ForwardpassResidual, p: number, classes: number): ResidualSpec {
  if (mode === 'distribution') return { k: classes, fn: (z, t) => tf.sub(centred(z), t) };
  // Margin g: with every other logit ≤ z_t − g, p(target) ≥ 1/(1 + 9e^{−g}) = p.
  if (mode === 'margin') return { k: classes, fn: (z, t) => marginResidual(z, t, Math.log((9 * p) / (1 - p))) };
  return { k: 1, fn: (z, t) => logOddsResidual(z, t, p) };
}

/** Levenberg–Marquardt on one batch; x is [b,28,28,1], y the per-image targets of `spec`. */
async function lmBatch(net: Net, x0: tf.Tensor4D, y: tf.Tensor2D, spec: ResidualSpec, o: Required<Pick<ForwardpassOptions, 'iterations' | 'tol' | 'tau'>>, history: number[][]) {
  const b = x0.shape[0];
  const c = spec.k;
  let x = x0.clone();
  const residual = (xs: tf.Tensor4D) => tf.tidy(() => spec.fn(net.apply(xs), y));
  // The Jacobian's copies of image i carry image i's target (each image is repeated k times).
  const yRep = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(y, 1), [1, c, 1]), [b * c, y.shape[1]]));
  const jacOutput = (z: tf.Tensor) => spec.fn(z, yRep);
  const norms = (r: tf.Tensor) => readValues(() => tf.norm(r, 'euclidean', 1));
  let r = residual(x);
  let rn = Float32Array.from(norms(r));
  const mu = new Float64Array(b);
  const iters = new Int32Array(b);
  const done = Array.from(rn, (v) => v <= o.tol);
  let jac: tf.Tensor3D | null = null;
  let jjt: Float64Array | null = null;
  const maxDiag = new Float64Array(b);
  history.push(Array.from(rn));
  for (let it = 0; it < o.iterations && done.some((d) => !d); it++) {
    if (jac === null) {
      jac = jacobian(net, x, c, jacOutput);
      jjt = gram(jac.dataSync() as Float32Array, b, c, 784);
      for (let i = 0; i < b; i++) {
        let m = 0;
        for (let j = 0; j < c; j++) m = Math.max(m, jjt[i * c * c + j * c + j]);
        maxDiag[i] = Math.max(m, 1e-12);
        if (it === 0) mu[i] = o.tau * maxDiag[i];
      }
    }
    // w_i = (JJᵀ + μI)⁻¹ r_i per image (zero for finished images), then δ_i = −J_iᵀ w_i.
    const rv = r.dataSync();
    const w = new Float32Array(b * c);
    for (let i = 0; i < b; i++) {
      if (done[i]) continue;
      // μ ≥ 1e-9·max diag(JJᵀ): a rank-deficient JJᵀ (logits confined to a curve, say) is PSD only up to rounding.
      const wi = solveDamped((jjt as Float64Array).subarray(i * c * c, (i + 1) * c * c), c, Math.max(mu[i], 1e-9 * maxDiag[i]), rv.subarray(i * c, (i + 1) * c));
      w.set(wi, i * c);
      iters[i]++;
    }
    const trial = tf.tidy(() => {
      const delta = tf.matMul(tf.tensor3d(w, [b, 1, c]), jac as tf.Tensor3D);
      return tf.sub(x, tf.reshape(delta, [b, 28, 28, 1])) as tf.Tensor4D;
    });
    const rt = residual(trial);
    const rtn = norms(rt);
    // Accept where the residual dropped (μ ÷ 3: trust the Gauss–Newton model more), else μ × 4.
    const accept = Array.from(rtn, (v, i) => !done[i] && Number.isFinite(v) && v < rn[i]);
    for (let i = 0; i < b; i++) if (!done[i]) mu[i] = accept[i] ? Math.max(mu[i] / 3, 1e-12) : mu[i] * 4;
    if (accept.some((a) => a)) {
      const m = tf.tensor1d(accept.map((a) => (a ? 1 : 0)), 'bool');
      const nx = tf.tidy(() => tf.where(tf.reshape(m, [b, 1, 1, 1]).tile([1, 28, 28, 1]), trial, x) as tf.Tensor4D);
      const nr = tf.tidy(() => tf.where(tf.reshape(m, [b, 1]).tile([1, c]), rt, r));
      tf.dispose([x, r, m, jac as tf.Tensor]);
      x = nx;
      r = nr;
      jac = null;
      accept.forEach((a, i) => { if (a) { rn[i] = rtn[i]; if (rn[i] <= o.tol) done[i] = true; } });
    }
    tf.dispose([trial, rt]);
    history.push(Array.from(rn));
    await new Promise<void>((res) => setImmediate(res));
  }
  if (jac) jac.dispose();
  yRep.dispose();
  r.dispose();
  return { x, iters, rn, done };
}

/** FORWARDPASSINV for a batch of targets: one LM solve per image from its own random start. */
export async function forwardpassInvert(net: Net, opts: ForwardpassOptions): Promise<ForwardpassResult> {
  const n = opts.targets?.length;
  if (!(n > 0)) throw new ForwardpassError('forwardpassInvert: no targets given; pass one class per image to generate (an Int32Array).');
  const o = { iterations: opts.iterations ?? 30, tol: opts.tol ?? 1e-2, tau: opts.tau ?? 1e-3 };
  const batch = opts.batch ?? 16;
  const check = (v: unknown, name: string, rule: Parameters<typeof assertNumber>[2], fix: string) => assertNumber(v, `forwardpassInvert: ${name}`, rule, fix, ForwardpassError);
  check(o.iterations, 'iterations', { integer: true, min: 1 }, 'the paper uses 30.');
  check(o.tol, 'tol', { min: 0 }, 'the default is 1e-2 (‖r‖₂ in centred logits).');
  check(o.tau, 'tau', { above: 0 }, "the default is 1e-3 (Marquardt's μ₀ scale).");
  check(batch, 'batch', { integer: true, min: 1 }, 'the default is 16 images per Jacobian batch.');
  check(opts.seed, 'seed', { integer: true }, 'any whole number, e.g. the run seed.');
  if (opts.x0) {
    assertShape(opts.x0, [n, 28, 28, 1], 'forwardpassInvert x0 (start images)');
    assertValues(opts.x0, 'forwardpassInvert x0 (start images)', {}, 'Pass finite start images, or leave x0 out for seeded uniform noise in [0, 1].', ForwardpassError);
  }
  const p = opts.targetProb ?? 0.95;
  const mode = opts.residual ?? 'distribution';
  if (mode !== 'distribution' && mode !== 'margin' && mode !== 'logOdds') throw new ForwardpassError(`forwardpassInvert: residual='${mode}' is unknown; use 'distribution', 'margin' or 'logOdds'.`);
  if (!(p > 0.1 && p < 1)) throw new ForwardpassError(`forwardpassInvert: targetProb=${p} must lie in (0.1, 1), e.g. 0.95.`);
  opts.targets.forEach((t, i) => check(t, `targets[${i}]`, { integer: true, min: 0, max: 9 }, 'one class 0–9 per image to generate.'));
  const start = Date.now();
  const rng = makeRng(opts.seed);
  const x0 = opts.x0 ?? tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', rng.seed()) as tf.Tensor4D;
  const y = tf.tidy(() => {
    const d = classDistribution(opts.targets, p); // validates the targets
    return (mode === 'distribution' ? softmaxInverse(d) : tf.cast(tf.greater(d, 0.5), 'float32')) as tf.Tensor2D;
  });
  const spec = residualSpec(mode, p, y.shape[1]);
  const probe = tf.tidy(() => net.apply(x0.slice(0, 1)));
  if (probe.rank !== 2 || probe.shape[1] !== y.shape[1]) {
    const shape = probe.shape;
    probe.dispose();
    tf.dispose(opts.x0 ? [y] : [x0, y]);
    throw new ShapeError(`forwardpassInvert: ${net.name} returns shape [${shape}] for one image; FORWARDPASSINV needs logits [1,${y.shape[1]}].`);
  }
  probe.dispose();
  const parts: tf.Tensor4D[] = [];
  const iterations = new Int32Array(n);
  const residuals = new Float32Array(n);
  const converged: boolean[] = [];
  const histories: number[][] = [];
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const xb = x0.slice(s, m);
    const yb = y.slice(s, m);
    const h: number[][] = [];
    const r = await lmBatch(net, xb, yb, spec, o, h);
    tf.dispose([xb, yb]);
    parts.push(r.x);
    iterations.set(r.iters, s);
    residuals.set(r.rn, s);
    converged.push(...r.done);
    // Pad finished batches with their last value so every batch has iterations + 1 entries.
    for (let k = 0; k <= o.iterations; k++) histories[k] = [...(histories[k] ?? []), ...(h[Math.min(k, h.length - 1)])];
  }
  const images = (parts.length === 1 ? parts[0] : tf.concat(parts)) as tf.Tensor4D;
  if (parts.length > 1) tf.dispose(parts);
  if (!opts.x0) x0.dispose();
  y.dispose();
  const probs = tf.tidy(() => tf.softmax(net.apply(images)) as tf.Tensor2D);
  return {
    images, targets: Int32Array.from(opts.targets), probs, iterations, residuals, converged,
    history: histories.map((v) => v.reduce((a, b) => a + b, 0) / v.length),
    seconds: (Date.now() - start) / 1000,
  };
}

export { targetCheck };

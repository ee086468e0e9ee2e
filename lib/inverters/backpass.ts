import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { keptByClamp } from '../linalg/pinv';
import { Matrix } from 'ml-matrix';
import { rowsOf, svd, Svd } from '../linalg/svd';
import { Net } from '../models/net';
import { fromRoot, writeFileAtomic } from '../paths';
import { ShapeError, ValueRangeError } from '../tensor/guards';
import { makeRng } from '../tensor/rng';
import { leakyReluInverse, SELU_FLOOR, seluInverse, softmaxInverse } from './activations';

/**
 * BACKPASSINV (Pattichis & Pattichis, paper 001, Fig. 2) for y = softmax(φ_n(W_n … φ_1(W_1 x + b_1) … + b_n)):
 * invert softmax, then per layer i = n … 1: φ_i⁻¹, x_{i−1} = W_i⁺(x_i⁻ − b_i) with κ(W_i⁺) ≤ CondNum,
 * plus a random null-space vector; finally run the network forward to verify.
 */

export type Activation = 'selu' | 'leakyRelu' | 'linear';

/** One Linear layer followed by its activation, weights as tfjs stores them (y = x·kernel + bias). */
export interface DenseLayer {
  kernel: tf.Tensor2D; // [in, out]
  bias: tf.Tensor1D; // [out]
  activation: Activation;
  /** LeakyReLU slope for negative inputs. */
  alpha?: number;
}

/** The backward pass could not run (a layer it cannot invert, a bad option). */
export class BackpassError extends ValueRangeError {
  name = 'BackpassError';
}

/**
 * The Linear layers of a sequential Net (an FCNN from createFcnn): weights come in
 * [kernel, bias] pairs. `activation` is what follows every Linear. The tensors belong to the net.
 */
export function denseLayersOf(net: Net, activation: Activation, alpha?: number): DenseLayer[] {
  const w = net.getWeights();
  if (w.length === 0 || w.length % 2 !== 0) {
    throw new BackpassError(`denseLayersOf(${net.name}): ${w.length} weight tensors are not [kernel, bias] pairs; BACKPASSINV needs a stack of Linear layers (createFcnn).`);
  }
  const layers: DenseLayer[] = [];
  for (let i = 0; i < w.length; i += 2) {
    const [k, b] = [w[i], w[i + 1]];
    if (k.rank !== 2 || b.rank !== 1 || k.shape[1] !== b.shape[0]) {
      throw new BackpassError(`denseLayersOf(${net.name}): weights ${i}/${i + 1} have shapes [${k.shape}] / [${b.shape}], not a Linear [in,out] kernel and [out] bias; only Linear layers can be inverted here.`);
    }
    if (i > 0 && layers[layers.length - 1].kernel.shape[1] !== k.shape[0]) {
      throw new BackpassError(`denseLayersOf(${net.name}): layer ${i / 2 + 1} takes ${k.shape[0]} inputs but the previous layer gives ${layers[layers.length - 1].kernel.shape[1]}; the net is not a plain stack.`);
    }
    layers.push({ kernel: k as tf.Tensor2D, bias: b as tf.Tensor1D, activation, alpha });
  }
  return layers;
}

/** What the SVD told us about one layer's W (out×in). */
export interface LayerInverseInfo {
  inputs: number;
  outputs: number;
  kept: number;
  nullDim: number;
  conditionBefore: number;
  conditionAfter: number;
  sigmaMax: number;
  sigmaMin: number;
}

interface LayerInverse {
  layer: DenseLayer;
  /** (W⁺)ᵀ [out, in]: a row of pre-activations times it gives the row W⁺ a. */
  pinvT: tf.Tensor2D;
  /** V_r [in, r]: the kept row space; the null space is its complement. */
  rowSpace: tf.Tensor2D;
  info: LayerInverseInfo;
}

/**
 * The per-layer pseudo-inverses of a network, computed on first use (top layer first, as the
 * backward pass meets them) and reused for every sample: when every sample fails at layer k, the
 * SVDs of the layers below k are never paid for.
 */
export interface Backpass {
  readonly dense: DenseLayer[];
  readonly condNum: number;
  /** Layer i (0-based from the input), its SVD and clamp computed (or read from the cache) on first call. */
  layer(i: number): LayerInverse;
  /** What is known about each layer so far (null: never reached). */
  info(): (LayerInverseInfo | null)[];
  /** Seconds spent computing SVDs (not counting cache reads). */
  svdSeconds(): number;
  dispose(): void;
}

const linalgCache = (): string => process.env.MNIST_LAB_LINALG_CACHE ?? fromRoot('.cache', 'linalg');

/**
 * The SVD of one layer's W = kernelᵀ (out×in), cached on disk by the hash of the kernel: a 784×784
 * SVD takes 5–10 s of CPU, and re-running the notebook (or trying another CondNum) should not pay
 * it again. U and V are stored as float32 (what the tensors use anyway), σ as float64.
 */
export function layerSvd(kernel: tf.Tensor2D, useCache = true): { svd: Svd; cached: boolean } {
  const [inputs, outputs] = kernel.shape;
  const k = kernel.dataSync() as Float32Array;
  const hash = createHash('sha256').update(Buffer.from(k.buffer, k.byteOffset, k.byteLength)).update(`${inputs}x${outputs}|svd-v1`).digest('hex').slice(0, 24);
  const dir = path.join(linalgCache(), hash);
  const kk = Math.min(inputs, outputs);
  const toMat = (a: Float32Array | Float64Array, rows: number, cols: number) => {
    const m = new Matrix(rows, cols);
    rowsOf(m).forEach((r, i) => r.set(a.subarray(i * cols, (i + 1) * cols)));
    return m;
  };
  if (useCache && fs.existsSync(path.join(dir, 'done'))) {
    const read = (f: string) => { const b = fs.readFileSync(path.join(dir, f)); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };
    const s = new Float64Array(read('s.bin'));
    return { svd: { rows: outputs, cols: inputs, s, u: toMat(new Float32Array(read('u.bin')), outputs, kk), v: toMat(new Float32Array(read('v.bin')), inputs, kk) }, cached: true };
  }
  // W (out×in) is the kernel transposed.
  const w = new Float64Array(outputs * inputs);
  for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) w[o * inputs + i] = k[i * outputs + o];
  const d = svd({ data: w, rows: outputs, cols: inputs });
  if (useCache) {
    const flat = (m: Matrix) => { const out = new Float32Array(m.rows * m.columns); rowsOf(m).forEach((r, i) => out.set(r, i * m.columns)); return new Uint8Array(out.buffer); };
    writeFileAtomic(path.join(dir, 's.bin'), new Uint8Array(d.s.buffer));
    writeFileAtomic(path.join(dir, 'u.bin'), flat(d.u));
    writeFileAtomic(path.join(dir, 'v.bin'), flat(d.v));
    writeFileAtomic(path.join(dir, 'done'), '');
  }
  return { svd: d, cached: false };
}

/**
 * Clamp one layer (Fig. 2 line 7) and form (W⁺)ᵀ = U_r Σ_r⁻¹ V_rᵀ [out, in] with a tfjs matmul
 * (clampedPinv in lib/linalg does the same in float64; float32 is what the tensors use anyway).
 */
function invertLinear(layer: DenseLayer, condNum: number, useCache: boolean): { pinvT: tf.Tensor2D; rowSpace: tf.Tensor2D; info: LayerInverseInfo; cached: boolean } {
  const [inputs, outputs] = layer.kernel.shape;
  const { svd: d, cached } = layerSvd(layer.kernel, useCache);
  const { kept, nonZero } = keptByClamp(d.s, condNum, Math.max(inputs, outputs));
  if (kept === 0) throw new BackpassError(`a ${outputs}×${inputs} layer has no singular value above zero; it cannot be inverted (was it trained?).`);
  const cols = (m: Matrix, rows: number) => {
    const out = new Float32Array(rows * kept);
    rowsOf(m).forEach((r, i) => out.set(r.subarray(0, kept), i * kept));
    return tf.tensor2d(out, [rows, kept]);
  };
  const ur = cols(d.u, outputs);
  const rowSpace = cols(d.v, inputs);
  const pinvT = tf.tidy(() => tf.matMul(tf.div(ur, tf.tensor1d(Float32Array.from(d.s.subarray(0, kept)))), rowSpace, false, true) as tf.Tensor2D);
  ur.dispose();
  const info: LayerInverseInfo = {
    inputs, outputs, kept, nullDim: inputs - kept, conditionBefore: d.s[0] / d.s[nonZero - 1],
    conditionAfter: d.s[0] / d.s[kept - 1], sigmaMax: d.s[0], sigmaMin: d.s[d.s.length - 1],
  };
  return { pinvT, rowSpace, info, cached };
}

/** Fig. 2 line 7 for every layer: the clamped pseudo-inverses (CondNum: paper 100), made lazily. */
export function prepareBackpass(layers: DenseLayer[], opts: { condNum?: number; cache?: boolean } = {}): Backpass {
  const condNum = opts.condNum ?? 100;
  if (layers.length === 0) throw new BackpassError('prepareBackpass: no layers given; pass denseLayersOf(net, ...).');
  if (!(condNum >= 1)) throw new BackpassError(`prepareBackpass: condNum=${condNum} must be ≥ 1 (paper: 100).`);
  for (const l of layers) {
    if (l.activation === 'leakyRelu' && !(l.alpha !== undefined && l.alpha > 0)) {
      throw new BackpassError(`prepareBackpass: a LeakyReLU layer has alpha=${l.alpha}; give its slope (> 0) so it can be inverted.`);
    }
  }
  const inv: (LayerInverse | undefined)[] = layers.map(() => undefined);
  let seconds = 0;
  return {
    dense: layers,
    condNum,
    layer(i) {
      if (!(i >= 0 && i < layers.length)) throw new BackpassError(`layer ${i} does not exist; the net has ${layers.length} Linear layers (0-based).`);
      if (!inv[i]) {
        const start = Date.now();
        const r = invertLinear(layers[i], condNum, opts.cache ?? true);
        if (!r.cached) seconds += (Date.now() - start) / 1000;
        inv[i] = { layer: layers[i], pinvT: r.pinvT, rowSpace: r.rowSpace, info: r.info };
      }
      return inv[i] as LayerInverse;
    },
    info: () => inv.map((l) => l?.info ?? null),
    svdSeconds: () => seconds,
    dispose: () => inv.forEach((l) => l && tf.dispose([l.pinvT, l.rowSpace])),
  };
}

export interface BackpassOptions {
  /** Target class per sample; ClassDistr puts `targetProb` on it and spreads the rest evenly. */
  targets: Int32Array;
  /** Default 0.95. */
  targetProb?: number;
  /** Null-space sample size relative to the pseudo-inverse solution: ‖N s‖ = Std·‖W⁺(x⁻ − b)‖ (paper: 0.1). */
  std?: number;
  /** The free constant of softmax⁻¹ (paper: 0). */
  constant?: number;
  /** How close to SELU's floor −λα a value may come before it counts as unbounded (default 1e-3). */
  margin?: number;
  /** A pre-activation or image value beyond this magnitude counts as "grows unbounded" (default 1e4). */
  maxAbs?: number;
  /**
   * What to do with a value outside SELU⁻¹'s domain: 'reject' the sample (the paper: "return
   * error"); 'clip' it to −λα + margin and let the forward verification judge the result (a
   * repair beyond the paper; counted in `clippedFraction`); or 'project': move the preimage
   * inside the null space of the layer above until it lies in the domain (alternating
   * projections, see `projectIntoDomain`; beyond the paper, exact: W·x is unchanged). A sample
   * for which no feasible preimage is found is still rejected.
   */
  domain?: 'reject' | 'clip' | 'project';
  /** 'project': the lower bound aimed at is −λα + floorGap (default 0.5), well inside the domain. */
  floorGap?: number;
  /** 'project': at most this many alternating-projection sweeps per layer (default 3000; rows that are done drop out). */
  projectIterations?: number;
  /** Rounds of fresh null-space samples for rejected samples (default 5). */
  rounds?: number;
  seed: number;
}

export interface BackpassResult {
  /** The accepted images [m,28,28,1] (m ≤ n; raw values: the inverse does not keep them in [0,1]). */
  images: tf.Tensor4D;
  /** Target class of each accepted image. */
  targets: Int32Array;
  /** The network's probabilities on each accepted image [m,10] (the verification, Fig. 2 line 12). */
  probs: tf.Tensor2D;
  /** Samples rejected, by reason ("layer 3: SELU domain", "verify"), over all rounds. */
  rejected: Record<string, number>;
  /** Values raised to SELU's floor (domain: 'clip'), as a fraction of all hidden values of the accepted images' passes. */
  clippedFraction: number;
  /**
   * 'project' only, per layer ("layer 3"): how many samples left SELU⁻¹'s domain there and were
   * projected back, how many of those projections succeeded, and the most sweeps one needed.
   */
  projected: Record<string, { samples: number; feasible: number; maxIterations: number }>;
  /** Samples attempted (n plus the redraws). */
  attempts: number;
  seconds: number;
}

/** ClassDistr rows: p on the target, (1 − p)/9 elsewhere. */
export function classDistribution(targets: Int32Array, targetProb = 0.95, classes = 10): tf.Tensor2D {
  if (!(targetProb > 1 / classes && targetProb < 1)) throw new ValueRangeError(`targetProb=${targetProb} must lie in (1/${classes}, 1): softmax never reaches 1 and log 0 has no inverse.`);
  const y = new Float32Array(targets.length * classes).fill((1 - targetProb) / (classes - 1));
  targets.forEach((t, i) => {
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) throw new ValueRangeError(`target ${t} at index ${i} is not a class 0..${classes - 1}.`);
    y[i * classes + t] = targetProb;
  });
  return tf.tensor2d(y, [targets.length, classes]);
}

/** The values of a tensor made by `f`, which is disposed (tf.tidy alone would leak the result). */
export function readValues(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** Row-wise keep mask as a JS array, and the kept rows gathered. */
function keepRows(t: tf.Tensor2D, ok: boolean[]): tf.Tensor2D {
  const idx = ok.flatMap((k, i) => (k ? [i] : []));
  return tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32')));
}

/** The ≥ 0.9 / ≤ 0.1 check of paper 001 per image: target probability and the largest other one. */
export function targetCheck(probs: tf.Tensor2D, targets: Int32Array, minTarget = 0.9, maxOther = 0.1): { targetProb: Float32Array; maxOther: Float32Array; pass: boolean[] } {
  const [n, c] = probs.shape;
  if (n !== targets.length) throw new ShapeError(`targetCheck: ${n} probability rows but ${targets.length} targets; give one target per row.`);
  const p = probs.dataSync();
  const tp = new Float32Array(n);
  const mo = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    tp[i] = p[i * c + targets[i]];
    let m = 0;
    for (let j = 0; j < c; j++) if (j !== targets[i] && p[i * c + j] > m) m = p[i * c + j];
    mo[i] = m;
  }
  return { targetProb: tp, maxOther: mo, pass: Array.from(tp, (t, i) => t >= minTarget && mo[i] <= maxOther) };
}

/**
 * Beyond the paper: find, for each row, a point of the affine set A = {x : W_r x = W_r x_p} (all
 * preimages the clamped layer allows: x_p plus any null-space vector) that also lies in the box
 * B = {x ≥ lower}, starting from the paper's sample x₀ = x_p + Null(W)s. Alternating projections
 * (von Neumann / Bregman's POCS for two convex sets):
 *   y ← max(x, lower)            (onto B)
 *   x ← y − V_r V_rᵀ y + x_p     (onto A: keep y's null-space part, restore the row-space part)
 * A point already in B is a fixed point (feasible samples are left as they are); if A ∩ B is
 * non-empty the iterates converge to a point in it, so x (always in A) eventually satisfies
 * x > accept for any accept < lower. Rows are [m, in]; x_p's rows lie in the row space span(V_r).
 * Returns the new rows and, per row, the sweeps used (−1: still outside after `iterations`).
 */
export function projectIntoDomain(x0: tf.Tensor2D, xp: tf.Tensor2D, rowSpace: tf.Tensor2D, lower: number, accept: number, iterations: number): { x: tf.Tensor2D; sweeps: Int32Array } {
  if (!(lower > accept)) throw new BackpassError(`projectIntoDomain: lower=${lower} must exceed accept=${accept}, or the iterates only reach the bound in the limit.`);
  const m = x0.shape[0];
  const sweeps = new Int32Array(m).fill(-1);
  // Rows still outside are iterated on their own (a few slow rows should not cost a full batch).
  const rows: (tf.Tensor2D | null)[] = Array.from({ length: m }, () => null);
  const mins0 = readValues(() => x0.min(1));
  let active = Array.from({ length: m }, (_, i) => i).filter((i) => !(mins0[i] > accept));
  mins0.forEach((v, i) => { if (v > accept) sweeps[i] = 0; });
  let x = active.length ? tf.tidy(() => tf.gather(x0, active)) as tf.Tensor2D : null;
  let p = active.length ? tf.tidy(() => tf.gather(xp, active)) as tf.Tensor2D : null;
  for (let k = 1; k <= iterations && x && p; k++) {
    const [xa, pa] = [x, p];
    const next = tf.tidy(() => {
      const y = tf.maximum(xa, lower);
      return tf.add(tf.sub(y, tf.matMul(tf.matMul(y, rowSpace), rowSpace, false, true)), pa) as tf.Tensor2D;
    });
    xa.dispose();
    x = next;
    // Reading the minima syncs the backend: do it every 4th sweep (sweep counts are then multiples of 4).
    if (k % 4 !== 0 && k < iterations) continue;
    const lo = readValues(() => next.min(1));
    const ok = Array.from(lo, (v) => v > accept);
    if (ok.some(Boolean)) {
      ok.forEach((f, j) => { if (f) { sweeps[active[j]] = k; rows[active[j]] = tf.tidy(() => next.slice(j, 1)); } });
      const keepIdx = ok.flatMap((f, j) => (f ? [] : [j]));
      active = keepIdx.map((j) => active[j]);
      if (active.length === 0) { next.dispose(); pa.dispose(); x = null; p = null; break; }
      x = keepRows(next, ok.map((f) => !f));
      p = keepRows(pa, ok.map((f) => !f));
      next.dispose();
      pa.dispose();
    }
  }
  // Rows that never got inside keep their last iterate (the caller rejects them).
  active.forEach((i, j) => { rows[i] = tf.tidy(() => (x as tf.Tensor2D).slice(j, 1)); });
  tf.dispose([x, p].filter((t): t is tf.Tensor2D => t !== null));
  const out = tf.tidy(() => tf.concat(rows.map((r, i) => r ?? x0.slice(i, 1)))) as tf.Tensor2D;
  tf.dispose(rows.filter((r): r is tf.Tensor2D => r !== null));
  return { x: out, sweeps };
}

/**
 * One backward pass for a batch of ClassDistr rows z (after softmax⁻¹). Returns the images of the
 * rows that stayed inside every inverse's domain, and why the others were dropped.
 */
type PassOptions = Required<Omit<BackpassOptions, 'targets' | 'seed' | 'rounds' | 'targetProb'>>;
type Projected = BackpassResult['projected'];

function passOnce(bp: Backpass, z0: tf.Tensor2D, o: PassOptions, seed: number, rejected: Record<string, number>, clip: { count: number; total: number }, projected: Projected): { x: tf.Tensor2D; rows: number[] } {
  const rng = makeRng(seed);
  let rows = Array.from({ length: z0.shape[0] }, (_, i) => i);
  let z = z0.clone();
  const drop = (ok: boolean[], why: string) => {
    const k = ok.filter((v) => !v).length;
    if (k === 0) return;
    rejected[why] = (rejected[why] ?? 0) + k;
    rows = rows.filter((_, i) => ok[i]);
    const next = keepRows(z, ok);
    z.dispose();
    z = next;
  };
  for (let i = bp.dense.length - 1; i >= 0 && rows.length > 0; i--) {
    const { layer, pinvT, rowSpace, info } = bp.layer(i);
    const name = `layer ${i + 1}`;
    // Fig. 2 lines 5–6: invert φ_i; rows outside its domain (or near its unbounded edge) are dropped.
    if (layer.activation === 'selu' && o.domain === 'clip' && i < bp.dense.length - 1) {
      // Twice the margin, so the clipped values pass the domain check below.
      const floor = SELU_FLOOR + 2 * o.margin;
      const k = readValues(() => tf.less(z, floor).sum())[0];
      clip.count += k;
      clip.total += z.size;
      const next = tf.tidy(() => tf.maximum(z, floor) as tf.Tensor2D);
      z.dispose();
      z = next;
    }
    if (layer.activation === 'selu') {
      const mins = readValues(() => z.min(1));
      drop(Array.from(mins, (m) => m > SELU_FLOOR + o.margin), `${name}: SELU⁻¹ domain`);
      if (rows.length === 0) break;
    }
    const a = layer.activation === 'selu' ? seluInverse(z, { margin: o.margin, name })
      : layer.activation === 'leakyRelu' ? leakyReluInverse(z, layer.alpha as number) : z.clone();
    z.dispose();
    // Lines 8–10: x = W⁺(x⁻ − b) + Null(W)·s, with ‖Null(W)·s‖ = Std·‖W⁺(x⁻ − b)‖.
    const xp = tf.tidy(() => tf.matMul(tf.sub(a, layer.bias), pinvT) as tf.Tensor2D);
    z = tf.tidy(() => {
      if (o.std === 0 || info.nullDim === 0) return xp.clone();
      const g = tf.randomNormal(xp.shape, 0, 1, 'float32', rng.seed());
      const nu = tf.sub(g, tf.matMul(tf.matMul(g, rowSpace), rowSpace, false, true));
      const scale = tf.div(tf.mul(tf.norm(xp, 'euclidean', 1, true), o.std), tf.norm(nu, 'euclidean', 1, true));
      return tf.add(xp, tf.mul(nu, scale)) as tf.Tensor2D;
    });
    a.dispose();
    // Beyond the paper: the layer below is a SELU, so x_{i−1} must lie in SELU⁻¹'s domain; move
    // it there within this layer's null space (W·x unchanged) when the sample left it.
    if (o.domain === 'project' && i > 0 && bp.dense[i - 1].activation === 'selu' && info.nullDim > 0) {
      const { x, sweeps } = projectIntoDomain(z, xp, rowSpace, SELU_FLOOR + o.floorGap, SELU_FLOOR + o.margin, o.projectIterations);
      const moved = Array.from(sweeps).filter((k) => k !== 0);
      if (moved.length > 0) {
        const p = (projected[`layer ${i}`] ??= { samples: 0, feasible: 0, maxIterations: 0 });
        p.samples += moved.length;
        p.feasible += moved.filter((k) => k > 0).length;
        p.maxIterations = Math.max(p.maxIterations, ...moved);
      }
      z.dispose();
      z = x;
    }
    xp.dispose();
    const big = readValues(() => tf.abs(z).max(1));
    drop(Array.from(big, (m) => Number.isFinite(m) && m <= o.maxAbs), `${name}: unbounded (|x| > ${o.maxAbs})`);
  }
  return { x: z, rows };
}

/**
 * BACKPASSINV for a batch of targets: a distribution of inputs, one per target, each with its own
 * null-space samples. Rejected samples are redrawn up to `rounds` times; what still fails is
 * counted in `rejected` (paper: "return error"). Verification runs the net forward.
 */
export async function backpassInvert(net: Net, bp: Backpass, opts: BackpassOptions): Promise<BackpassResult> {
  const o: PassOptions & BackpassOptions = { std: 0.1, constant: 0, margin: 1e-3, maxAbs: 1e4, domain: 'reject', floorGap: 0.5, projectIterations: 3000, ...opts };
  if (!['reject', 'clip', 'project'].includes(o.domain)) throw new BackpassError(`backpassInvert: domain='${o.domain}' is not 'reject', 'clip' or 'project'.`);
  if (!(o.floorGap > o.margin)) throw new BackpassError(`backpassInvert: floorGap=${o.floorGap} must exceed margin=${o.margin} (the projection aims above the accepted floor).`);
  if (!(Number.isInteger(o.projectIterations) && o.projectIterations >= 1)) throw new BackpassError(`backpassInvert: projectIterations=${o.projectIterations} must be a positive integer (default 3000).`);
  const rounds = opts.rounds ?? 5;
  if (!(o.std >= 0)) throw new BackpassError(`backpassInvert: std=${o.std} must be ≥ 0 (paper: 0.1; 0 gives the pseudo-inverse image alone).`);
  if (bp.dense[0].kernel.shape[0] !== 784) throw new BackpassError(`backpassInvert: the first layer takes ${bp.dense[0].kernel.shape[0]} inputs, not 784 = 28×28; invert a net over MNIST images.`);
  const start = Date.now();
  const rejected: Record<string, number> = {};
  const images: tf.Tensor2D[] = [];
  const accepted: number[] = [];
  let pending = Array.from(opts.targets);
  let attempts = 0;
  const clip = { count: 0, total: 0 };
  const projected: Projected = {};
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    attempts += pending.length;
    const tgt = Int32Array.from(pending);
    const y = classDistribution(tgt, o.targetProb ?? 0.95);
    const z0 = softmaxInverse(y, o.constant);
    const { x, rows } = passOnce(bp, z0, o, opts.seed * 7919 + round, rejected, clip, projected);
    // Line 12: verify by running the network forward.
    const failed: number[] = pending.filter((_, i) => !rows.includes(i));
    if (rows.length > 0) {
      const probs = tf.tidy(() => tf.softmax(net.apply(x.reshape([rows.length, 28, 28, 1]))) as tf.Tensor2D);
      const check = targetCheck(probs, Int32Array.from(rows, (r) => tgt[r]));
      probs.dispose();
      const okRows = rows.filter((_, j) => check.pass[j]);
      const k = rows.length - okRows.length;
      if (k > 0) rejected['verify (p_target < 0.9 or p_other > 0.1)'] = (rejected['verify (p_target < 0.9 or p_other > 0.1)'] ?? 0) + k;
      if (okRows.length > 0) {
        images.push(keepRows(x, check.pass));
        accepted.push(...okRows.map((r) => tgt[r]));
      }
      failed.push(...rows.filter((_, j) => !check.pass[j]).map((r) => tgt[r]));
    }
    tf.dispose([y, z0, x]);
    pending = failed;
    await new Promise<void>((r) => setImmediate(r));
  }
  const m = accepted.length;
  const flat = m > 0 ? tf.concat(images) : tf.zeros([0, 784]);
  tf.dispose(images);
  const imgs = flat.reshape([m, 28, 28, 1]) as tf.Tensor4D;
  flat.dispose();
  const probs = m > 0 ? tf.tidy(() => tf.softmax(net.apply(imgs)) as tf.Tensor2D) : tf.zeros([0, 10]) as tf.Tensor2D;
  return { images: imgs, targets: Int32Array.from(accepted), probs, rejected, projected, attempts, clippedFraction: clip.total ? clip.count / clip.total : 0, seconds: (Date.now() - start) / 1000 };
}

import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Matrix } from 'ml-matrix';
import { keptByClamp } from '../../linalg/pinv';
import { rowsOf, svd, Svd } from '../../linalg/svd';
import { fromRoot, writeFileAtomic } from '../../paths';
import { assertNumber, assertShape } from '../../tensor/guards';
import { BackpassError, checkActivation, DenseLayer } from './layers';

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

export interface LayerInverse {
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
  assertShape(kernel, [null, null], 'layerSvd kernel ([in, out], as tfjs stores a Dense kernel)', BackpassError);
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
  if (!Array.isArray(layers) || layers.length === 0) throw new BackpassError('prepareBackpass: no layers given; pass denseLayersOf(net, ...).');
  assertNumber(condNum, 'prepareBackpass: condNum', { min: 1, max: Infinity }, 'the paper uses 100 (the largest σ₁/σ_k kept; Infinity keeps every non-zero σ).', BackpassError);
  layers.forEach((l, i) => checkActivation(l.activation, l.alpha, `prepareBackpass: layer ${i + 1}`));
  const inv: (LayerInverse | undefined)[] = layers.map(() => undefined);
  let seconds = 0;
  return {
    dense: layers,
    condNum,
    layer(i) {
      if (!(Number.isInteger(i) && i >= 0 && i < layers.length)) throw new BackpassError(`layer ${i} does not exist; the net has ${layers.length} Linear layers (0-based).`);
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

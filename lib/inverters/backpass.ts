import * as tf from '@tensorflow/tfjs';
import { Net } from '../models/net';
import { softmaxInverse } from './activations';
import { classDistribution, targetCheck } from './backpass/checks';
import { BackpassError } from './backpass/layers';
import { Backpass } from './backpass/layer-inverse';
import { BackpassOptions, BackpassResult, Projected, resolveOptions } from './backpass/options';
import { passOnce } from './backpass/pass';
import { keepRows } from './backpass/rows';

/**
 * BACKPASSINV (Pattichis & Pattichis, paper 001, Fig. 2) for y = softmax(φ_n(W_n … φ_1(W_1 x + b_1) … + b_n)):
 * invert softmax, then per layer i = n … 1: φ_i⁻¹, x_{i−1} = W_i⁺(x_i⁻ − b_i) with κ(W_i⁺) ≤ CondNum,
 * plus a random null-space vector; finally run the network forward to verify.
 *
 * The parts live in backpass/: layers (the Linear stack and its activations), layer-inverse (the
 * SVD and clamped pseudo-inverse per layer, cached), pass (one backward pass), domain (the
 * null-space projection into SELU⁻¹'s domain), checks (ClassDistr and the ≥ 0.9 / ≤ 0.1 check),
 * options. Import them from here: notebooks (tslab) cannot import a folder.
 */
export { BackpassError, checkActivation, denseLayersOf } from './backpass/layers';
export type { Activation, DenseLayer } from './backpass/layers';
export { layerSvd, prepareBackpass } from './backpass/layer-inverse';
export type { Backpass, LayerInverse, LayerInverseInfo } from './backpass/layer-inverse';
export { projectIntoDomain } from './backpass/domain';
export { classDistribution, targetCheck } from './backpass/checks';
export { readValues } from './backpass/rows';
export type { BackpassOptions, BackpassResult } from './backpass/options';

/**
 * BACKPASSINV for a batch of targets: a distribution of inputs, one per target, each with its own
 * null-space samples. Rejected samples are redrawn up to `rounds` times; what still fails is
 * counted in `rejected` (paper: "return error"). Verification runs the net forward.
 */
export async function backpassInvert(net: Net, bp: Backpass, opts: BackpassOptions): Promise<BackpassResult> {
  const o = resolveOptions(opts);
  if (bp.dense[0].kernel.shape[0] !== 784) throw new BackpassError(`backpassInvert: the first layer takes ${bp.dense[0].kernel.shape[0]} inputs, not 784 = 28×28; invert a net over MNIST images.`);
  const start = Date.now();
  const rejected: Record<string, number> = {};
  const images: tf.Tensor2D[] = [];
  const accepted: number[] = [];
  let pending = Array.from(opts.targets);
  let attempts = 0;
  const clip = { count: 0, total: 0 };
  const projected: Projected = {};
  for (let round = 0; round < o.rounds && pending.length > 0; round++) {
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

import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../tensor/rng';
import { leakyReluInverse, SELU_FLOOR, seluInverse } from '../activations';
import { projectIntoDomain } from './domain';
import { Backpass } from './layer-inverse';
import { PassOptions, Projected } from './options';
import { keepRows, readValues } from './rows';

/**
 * One backward pass for a batch of ClassDistr rows z (after softmax⁻¹). Returns the images of the
 * rows that stayed inside every inverse's domain, and why the others were dropped.
 */
export function passOnce(bp: Backpass, z0: tf.Tensor2D, o: PassOptions, seed: number, rejected: Record<string, number>, clip: { count: number; total: number }, projected: Projected): { x: tf.Tensor2D; rows: number[] } {
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

import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape } from '../../tensor/guards';
import { BackpassError } from './layers';
import { keepRows, readValues } from './rows';

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
  assertShape(x0, [null, null], 'projectIntoDomain x0 (rows of preimages)', BackpassError);
  assertShape(xp, x0.shape, 'projectIntoDomain xp (the pseudo-inverse rows, like x0)', BackpassError);
  assertShape(rowSpace, [x0.shape[1], null], 'projectIntoDomain rowSpace (V_r, [in, r])', BackpassError);
  assertNumber(lower, 'projectIntoDomain: lower', {}, 'the bound aimed at, e.g. SELU_FLOOR + 0.5.', BackpassError);
  assertNumber(accept, 'projectIntoDomain: accept', {}, 'the bound a row must pass, e.g. SELU_FLOOR + 1e-3.', BackpassError);
  assertNumber(iterations, 'projectIntoDomain: iterations', { integer: true, min: 1 }, 'the default is 3000 sweeps.', BackpassError);
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

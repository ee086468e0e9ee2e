import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { matmul, rowsOf, svd } from '../../lib/linalg/svd';
import { clampedPinv, nullSpaceBasis, projectToNullSpace } from '../../lib/linalg/pinv';
import { makeRng } from '../../lib/tensor/rng';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

const randn = (rows: number, cols: number, seed: number) => {
  const rng = makeRng(seed);
  const m = new Matrix(rows, cols);
  for (const r of rowsOf(m)) for (let j = 0; j < cols; j++) r[j] = rng.normal();
  return m;
};
const maxAbsDiff = (a: Matrix, b: Matrix) => Math.max(...a.clone().sub(b).abs().to1DArray());

/** W = U diag(s) Vᵀ with orthonormal U, V from QR-free Gram–Schmidt of random matrices. */
function withSingularValues(rows: number, cols: number, s: number[], seed: number): Matrix {
  const ortho = (m: Matrix) => {
    const q = m.clone();
    for (let j = 0; j < q.columns; j++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < q.rows; i++) d += q.get(i, j) * q.get(i, k);
        for (let i = 0; i < q.rows; i++) q.set(i, j, q.get(i, j) - d * q.get(i, k));
      }
      const n = Math.sqrt(q.getColumn(j).reduce((a, v) => a + v * v, 0));
      for (let i = 0; i < q.rows; i++) q.set(i, j, q.get(i, j) / n);
    }
    return q;
  };
  const k = s.length;
  const u = ortho(randn(rows, k, seed));
  const v = ortho(randn(cols, k, seed + 1));
  return matmul(matmul(u, Matrix.diag(s)), v.transpose());
}

test('svd reconstructs W = U Σ Vᵀ for tall, wide and square matrices, and agrees with Golub–Kahan', () => {
  for (const [rows, cols] of [[12, 5], [5, 12], [8, 8]]) {
    const w = randn(rows, cols, rows * 100 + cols);
    const d = svd(w);
    assert.equal(d.s.length, Math.min(rows, cols));
    for (let i = 1; i < d.s.length; i++) assert.ok(d.s[i - 1] >= d.s[i], 'singular values descend');
    const back = matmul(matmul(d.u, Matrix.diag(Array.from(d.s))), d.v.transpose());
    assert.ok(maxAbsDiff(back, w) < 1e-9, `reconstruction error ${maxAbsDiff(back, w)}`);
    const g = svd(w, { method: 'golub-kahan' });
    d.s.forEach((s, i) => assert.ok(Math.abs(s - g.s[i]) < 1e-9 * d.s[0]));
  }
});

test('svd names a non-finite entry and a wrong size', () => {
  const w = randn(3, 3, 1);
  w.set(1, 2, NaN);
  assert.throws(() => svd(w), (e: Error) => e instanceof ValueRangeError && /W\[1\]\[2\] = NaN/.test(e.message));
  assert.throws(() => svd({ data: [1, 2, 3], rows: 2, cols: 2 }), ShapeError);
});

test('the clamp zeroes σ < σ₁/CondNum, so the pseudo-inverse has condition number ≤ CondNum', () => {
  const s = [10, 5, 1, 0.2, 0.01];
  const w = withSingularValues(9, 7, s, 3);
  const full = clampedPinv(w, Infinity);
  assert.equal(full.kept, 5);
  assert.ok(Math.abs(full.conditionBefore - 1000) < 1e-6 * 1000);
  const p = clampedPinv(w, 100);
  assert.equal(p.kept, 4, 'σ = 0.01 < 10/100 is dropped');
  assert.ok(p.conditionAfter <= 100 && Math.abs(p.conditionAfter - 50) < 1e-6);
  assert.equal(p.nullDim, 7 - 4);
  // The pseudo-inverse itself: singular values 1/σ of the kept ones, so κ(W⁺) = κ after the clamp.
  const ps = svd(p.pinv).s.filter((v) => v > 1e-9);
  assert.equal(ps.length, 4);
  assert.ok(ps[0] / ps[ps.length - 1] <= 100 + 1e-6, `κ(W⁺) = ${ps[0] / ps[ps.length - 1]}`);
  // Without the clamp W⁺ = Moore–Penrose: W W⁺ W = W.
  assert.ok(maxAbsDiff(matmul(matmul(w, full.pinv), w), w) < 1e-8);
  assert.throws(() => clampedPinv(w, 0.5), (e: Error) => /condNum=0.5/.test(e.message));
  assert.throws(() => clampedPinv(new Matrix(3, 3), 100), (e: Error) => /all zeros/.test(e.message));
});

test('null-space samples leave W·x unchanged and the basis is orthonormal', () => {
  const w = randn(4, 10, 7); // wide: a 6-dimensional null space
  const p = clampedPinv(w, 1e6);
  assert.equal(p.nullDim, 6);
  const n = nullSpaceBasis(p, makeRng(1));
  assert.deepEqual([n.rows, n.columns], [10, 6]);
  assert.ok(maxAbsDiff(matmul(n.transpose(), n), Matrix.eye(6)) < 1e-10, 'orthonormal');
  assert.ok(Math.max(...matmul(w, n).abs().to1DArray()) < 1e-10, 'W N = 0');
  // x = W⁺b + N s solves W x = b for every s.
  const b = randn(4, 1, 8);
  const x0 = matmul(p.pinv, b);
  const s = randn(6, 1, 9);
  const x = x0.clone().add(matmul(n, s));
  assert.ok(maxAbsDiff(matmul(w, x), b) < 1e-9);
  assert.ok(maxAbsDiff(matmul(w, x0), b) < 1e-9);
  // The projection the backward pass uses gives null-space vectors too.
  const g = projectToNullSpace(p, randn(10, 3, 10));
  assert.ok(Math.max(...matmul(w, g).abs().to1DArray()) < 1e-10);
});

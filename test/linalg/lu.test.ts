import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Matrix, SVD } from 'ml-matrix';
import { condition1, condition1Estimate, condition2, inverseNorm1Estimate, norm1 } from '../../lib/linalg/condition';
import { luDet, luFactor, luInverse, luLogAbsDet, luSolve, luSolveTransposed, SingularMatrixError } from '../../lib/linalg/lu';

function randomMatrix(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n * n }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  });
}

test('a 3×3 example that needs pivoting: factors, determinant and solve by hand', () => {
  // det = 0·(4·1−5·0) − 1·(2·1−5·3) + 2·(2·0−4·3) = 13 − 24 = −11
  const a = [0, 1, 2, 2, 4, 5, 3, 0, 1];
  const f = luFactor(a, 3);
  assert.notEqual(f.perm[0], 0, 'a zero pivot in row 0 must be swapped away');
  assert.ok(Math.abs(luDet(f) + 11) < 1e-12);
  assert.ok(Math.abs(luLogAbsDet(f) - Math.log(11)) < 1e-12);
  // x = (1, 2, 3): b = A x = (8, 25, 6)
  const x = luSolve(f, [8, 25, 6]);
  [1, 2, 3].forEach((v, i) => assert.ok(Math.abs(x[i] - v) < 1e-12, `x[${i}] = ${x[i]}`));
});

test('inverse of a random 60×60 matrix: A·A⁻¹ = I to 1e-10; κ₂ matches a full SVD', () => {
  const n = 60;
  const a = randomMatrix(n, 7);
  const inv = luInverse(luFactor(a, n));
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-10, `max |A A⁻¹ − I| = ${worst}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  const svdKappa = new SVD(new Matrix(rows)).condition;
  const k2 = condition2(a, inv, n);
  assert.ok(Math.abs(k2 - svdKappa) / svdKappa < 0.02, `power-iteration κ₂ ${k2} vs SVD ${svdKappa}`);
  const k1 = condition1(a, inv, n);
  assert.ok(k1 >= svdKappa / n && k1 <= svdKappa * n, `κ₁ ${k1} within a factor n of κ₂ ${svdKappa}`);
});

test('a singular matrix is refused with SingularMatrixError naming the column', () => {
  // Third row = first + second: rank 2.
  const a = [1, 2, 3, 4, 5, 6, 5, 7, 9];
  assert.throws(() => luFactor(a, 3, 'W'), (e: Error) => e instanceof SingularMatrixError && /W \(3×3\) is singular/.test(e.message) && /column 2/.test(e.message));
  assert.throws(() => luFactor([1, NaN, 0, 1], 2), SingularMatrixError);
  assert.throws(() => luFactor([1, 2, 3], 2), RangeError);
});

test('transposed solve: Aᵀ X = B for several right-hand sides, on the 3×3 pivoting example and a random 50×50', () => {
  // Aᵀ of [[0,1,2],[2,4,5],[3,0,1]]; x = (1, 2, 3) gives Aᵀx = (0+4+9, 1+8+0, 2+10+3) = (13, 9, 15).
  const f3 = luFactor([0, 1, 2, 2, 4, 5, 3, 0, 1], 3);
  const x3 = luSolveTransposed(f3, [13, 9, 15]);
  [1, 2, 3].forEach((v, i) => assert.ok(Math.abs(x3[i] - v) < 1e-12, `x[${i}] = ${x3[i]}`));
  const n = 50;
  const m = 4;
  const a = randomMatrix(n, 11);
  const want = Float64Array.from({ length: n * m }, (_, i) => Math.cos(0.7 * i)); // X, n×m
  const b = new Float64Array(n * m); // B = Aᵀ X
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) b[i * m + j] += a[k * n + i] * want[k * m + j];
  const got = luSolveTransposed(luFactor(a, n), b, m);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-10, `X[${i}] = ${v}, want ${want[i]}`));
  assert.throws(() => luSolveTransposed(f3, [1, 2]), RangeError);
});

test('Hager–Higham estimate of ‖A⁻¹‖₁ matches the exact norm on random and badly scaled matrices', () => {
  for (const [n, seed, scaleCol] of [[40, 5, 1], [80, 9, 1e-6], [120, 13, 1]] as const) {
    const a = randomMatrix(n, seed);
    for (let i = 0; i < n; i++) a[i * n + 7] *= scaleCol;
    const f = luFactor(a, n);
    const exact = norm1(luInverse(f), n);
    const est = inverseNorm1Estimate(f);
    assert.ok(est <= exact * (1 + 1e-9) && est >= exact / 3, `n=${n}: estimate ${est} vs exact ${exact}`);
    const k1 = condition1Estimate(a, f);
    assert.ok(Math.abs(k1 - norm1(a, n) * est) < 1e-9 * k1);
  }
});

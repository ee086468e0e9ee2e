import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CtShapeError, CtValueError, type ParallelGeometry, evenAngles, projectionOperator, sirt, sirtSolver } from '../../lib/ct';
import { loadFixture, maxRelDiff, randomImages } from './fixtures';

interface SirtCase {
  name: string;
  operator: 'canvas' | 'bare';
  geometry: ParallelGeometry;
  iterations: number;
  relaxation: number;
  min: number | null;
  max: number | null;
  sinogram: number[];
  truth: number[];
  result: number[];
}

// 'canvas': numpy SIRT on skimage's own radon matrix, which equals lib/ct's A; the rest is
// float32 output rounding (~5e-8). 'bare': skimage's circle=False rays stop short of 2-3 corner
// matrix entries (see scripts/ct_fixtures.py), which moves the result by ~7e-4.
const TOL = { canvas: 1e-6, bare: 2e-3 };

test('SIRT matches the numpy SIRT on skimage radon matrices', (t) => {
  const { cases } = loadFixture<{ cases: SirtCase[] }>('sirt.json');
  assert.equal(cases.length, 4);
  for (const c of cases) {
    const op = projectionOperator(c.geometry);
    const { images } = sirt(op, [Float32Array.from(c.sinogram)], {
      iterations: c.iterations,
      relaxation: c.relaxation,
      min: c.min,
      max: c.max,
    });
    const rel = maxRelDiff(images[0], c.result);
    t.diagnostic(`${c.name}: max rel diff ${rel.toExponential(2)}`);
    assert.ok(rel < TOL[c.operator], `${c.name}: ${rel} ≥ ${TOL[c.operator]}`);
  }
});

test('SIRT reconstructs a smooth phantom from many noiseless views and respects the clamps', () => {
  const n = 16;
  const op = projectionOperator({ rows: n, cols: n, anglesDeg: evenAngles(48), detectorCount: 24 });
  const truth = new Float32Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      truth[r * n + c] = Math.exp(-((r - 6) ** 2 + (c - 9) ** 2) / 8) + 0.5 * Math.exp(-((r - 10) ** 2 + (c - 5) ** 2) / 5);
    }
  }
  const sinos = op.forward([truth]);
  const { images, residualNorms } = sirt(op, sinos, { iterations: 100, relaxation: 1.8 });
  assert.ok(residualNorms[99] < 1e-3 * residualNorms[0], `residual ${residualNorms[0]} -> ${residualNorms[99]}`);
  let err = 0;
  for (let i = 0; i < truth.length; i++) err = Math.max(err, Math.abs(images[0][i] - truth[i]));
  assert.ok(err < 0.03, `max pixel error ${err}`);
  const clamped = sirt(op, sinos, { iterations: 20, min: 0.2, max: 0.7 }).images[0];
  assert.ok(clamped.every((v) => v >= 0.2 - 1e-7 && v <= 0.7 + 1e-7));
  assert.ok(clamped.some((v) => v === Math.fround(0.7)) && clamped.some((v) => v === Math.fround(0.2)));
});

test('batched SIRT equals SIRT one sinogram at a time; solver steps add up', () => {
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(6), detectorCount: 40 });
  const sinos = op.forward(randomImages(9, op.nPixels, 5)); // two blocks of 8, the second padded
  const batch = sirt(op, sinos, { iterations: 7 }).images;
  sinos.forEach((s, b) => {
    const one = sirt(op, [s], { iterations: 7 }).images[0];
    assert.ok(maxRelDiff(batch[b], one) < 1e-6);
  });
  const solver = sirtSolver(op, sinos);
  solver.iterate(3);
  solver.iterate(4);
  assert.deepEqual(solver.images(), batch);
  assert.equal(solver.residualNorms.length, 7);
  // SIRT keeps no state beyond x: 3 iterations, then 4 more from there, is 7 iterations (up to float32 rounding of x).
  const resumed = sirt(op, sinos, { iterations: 4, x0: sirt(op, sinos, { iterations: 3 }).images }).images;
  resumed.forEach((img, b) => assert.ok(maxRelDiff(img, batch[b]) < 1e-6));
});

test('x0 is the start point; zero iterations return it clamped', () => {
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(6), detectorCount: 40 });
  const x0 = randomImages(1, op.nPixels, 6).map((x) => x.map((v) => v - 0.5));
  const sinos = op.forward(randomImages(1, op.nPixels, 7));
  const out = sirt(op, sinos, { iterations: 0, x0 }).images[0];
  assert.deepEqual(out, x0[0].map((v) => Math.max(0, v)));
  const free = sirt(op, sinos, { iterations: 0, x0, min: null }).images[0];
  assert.deepEqual(free, x0[0]);
});

test('bad SIRT input gives errors that name the value', () => {
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(64), detectorCount: 40 });
  assert.throws(
    () => sirt(op, [new Float32Array(28 * 40)], { iterations: 10 }),
    (e: Error) => e instanceof CtShapeError && /sinograms\[0\] has 1120 values.*needs 2560/.test(e.message),
  );
  const nan = new Float32Array(op.nBins);
  nan[100] = NaN;
  assert.throws(() => sirt(op, [nan], { iterations: 10 }), (e: Error) => e instanceof CtValueError && /sinograms\[0\]\[100\] is NaN/.test(e.message));
  const ok = [new Float32Array(op.nBins)];
  assert.throws(() => sirt(op, ok, { iterations: -1 }), (e: Error) => e instanceof CtValueError && /iterations is -1/.test(e.message));
  assert.throws(() => sirt(op, ok, { iterations: 1, relaxation: 0 }), (e: Error) => e instanceof CtValueError && /relaxation is 0/.test(e.message));
  assert.throws(() => sirt(op, ok, { iterations: 1, min: 1, max: 0 }), (e: Error) => e instanceof CtValueError && /min \(1\) is above max \(0\)/.test(e.message));
  assert.throws(() => sirt(op, ok, { iterations: 1, x0: [new Float32Array(784), new Float32Array(784)] }), (e: Error) => e instanceof CtShapeError && /x0 has 2 images for 1 sinograms/.test(e.message));
  assert.throws(() => sirt(op, [], { iterations: 1 }), (e: Error) => e instanceof CtShapeError && /empty/.test(e.message));
});

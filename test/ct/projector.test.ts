import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CtGeometryError,
  CtShapeError,
  CtValueError,
  type ParallelGeometry,
  evenAngles,
  fullCoverageDetectorCount,
  projectionOperator,
} from '../../lib/ct';
import { loadFixture, maxRelDiff, randomImages } from './fixtures';

interface ProjectorCase {
  name: string;
  geometry: ParallelGeometry;
  image: number[];
  sinogram: number[];
}

// skimage.transform.radon uses the same discretisation; differences are float32 output rounding (~4e-8).
const PROJECTOR_TOL = 1e-6;

test('projector matches skimage.transform.radon on the fixture phantoms', (t) => {
  const { cases } = loadFixture<{ cases: ProjectorCase[] }>('projector.json');
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const op = projectionOperator(c.geometry);
    const [sino] = op.forward([Float32Array.from(c.image)]);
    const rel = maxRelDiff(sino, c.sinogram);
    t.diagnostic(`${c.name}: max rel diff ${rel.toExponential(2)}`);
    assert.ok(rel < PROJECTOR_TOL, `${c.name}: max rel diff ${rel} ≥ ${PROJECTOR_TOL}`);
  }
});

test('backproject is the exact transpose of forward (⟨Ax, y⟩ = ⟨x, Aᵀy⟩)', () => {
  for (const convention of ['centered', 'skimage'] as const) {
    const op = projectionOperator({ rows: 28, cols: 20, anglesDeg: [0, 12.5, 47, 90, 133.3], detectorCount: 37, detectorSpacing: 0.8, convention });
    const [x] = randomImages(1, op.nPixels, 1);
    const [y] = randomImages(1, op.nBins, 2);
    const [ax] = op.forward([x]);
    const [aty] = op.backproject([y]);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < ax.length; i++) lhs += ax[i] * y[i];
    for (let i = 0; i < x.length; i++) rhs += x[i] * aty[i];
    assert.ok(Math.abs(lhs - rhs) / Math.abs(lhs) < 1e-6, `${convention}: ${lhs} vs ${rhs}`);
  }
});

test('centered convention: 0° gives column sums, 90° gives row sums bottom-to-top', () => {
  const rows = 12;
  const cols = 16;
  const op = projectionOperator({ rows, cols, anglesDeg: [0, 90], detectorCount: 16 });
  const [x] = randomImages(1, rows * cols, 3);
  const [s] = op.forward([x]);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * cols + c];
    assert.ok(Math.abs(s[c] - sum) < 1e-5, `column ${c}`);
  }
  // Detector axis at 90° is +y (up): detector j sees row rows-1-j; 16 detectors centred on 12 rows leave 2 empty each side.
  for (let j = 0; j < 16; j++) {
    const r = rows - 1 - (j - 2);
    let sum = 0;
    if (r >= 0 && r < rows) for (let c = 0; c < cols; c++) sum += x[r * cols + c];
    assert.ok(Math.abs(s[16 + j] - sum) < 1e-5, `detector ${j} at 90°`);
  }
  // The row sum of A is the ray length through the image: 12 pixels down a column at 0°.
  assert.ok(Math.abs(op.rowSums[5] - rows) < 1e-12);
});

test('a batch gives the same sinograms as one image at a time', () => {
  const op = projectionOperator({ rows: 28, cols: 28, anglesDeg: evenAngles(9), detectorCount: fullCoverageDetectorCount(28, 28) });
  const xs = randomImages(11, op.nPixels, 4); // two blocks of 8, the second padded
  const batch = op.forward(xs);
  xs.forEach((x, b) => assert.deepEqual(batch[b], op.forward([x])[0]));
});

test('operators are cached per geometry', () => {
  const g = { rows: 28, cols: 28, anglesDeg: evenAngles(8), detectorCount: 40 };
  assert.equal(projectionOperator(g), projectionOperator({ ...g, anglesDeg: evenAngles(8) }));
  assert.notEqual(projectionOperator(g), projectionOperator({ ...g, detectorCount: 41 }));
});

test('bad geometry and data give errors that name the value', () => {
  const g = { rows: 28, cols: 28, anglesDeg: evenAngles(4), detectorCount: 40 };
  assert.throws(() => projectionOperator({ ...g, anglesDeg: [] }), (e: Error) => e instanceof CtGeometryError && /anglesDeg is empty/.test(e.message));
  assert.throws(() => projectionOperator({ ...g, anglesDeg: [0, 180] }), (e: Error) => e instanceof CtGeometryError && /anglesDeg\[1\] is 180/.test(e.message));
  assert.throws(() => projectionOperator({ ...g, anglesDeg: [NaN] }), CtGeometryError);
  assert.throws(() => projectionOperator({ ...g, detectorCount: 0 }), (e: Error) => e instanceof CtGeometryError && /detectorCount is 0/.test(e.message));
  assert.throws(() => projectionOperator({ ...g, detectorSpacing: -1 }), (e: Error) => e instanceof CtGeometryError && /detectorSpacing is -1/.test(e.message));
  const op = projectionOperator(g);
  assert.throws(() => op.forward([new Float32Array(100)]), (e: Error) => e instanceof CtShapeError && /images\[0\] has 100 values.*784/.test(e.message));
  assert.throws(() => op.backproject([new Float32Array(10)]), (e: Error) => e instanceof CtShapeError && /sinograms\[0\] has 10 values.*4 angles × 40 detectors/.test(e.message));
  const bad = new Float32Array(op.nBins);
  bad[7] = NaN;
  assert.throws(() => op.backproject([bad]), (e: Error) => e instanceof CtValueError && /sinograms\[0\]\[7\] is NaN/.test(e.message));
});

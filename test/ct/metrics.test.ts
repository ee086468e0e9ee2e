import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CtShapeError, CtValueError, imageMetrics, mse, psnr, ssim } from '../../lib/ct';
import { loadFixture, randomImages } from './fixtures';

interface MetricCase {
  name: string;
  rows: number;
  cols: number;
  dataRange: number;
  image: number[];
  reference: number[];
  mse: number;
  psnr: number;
  ssim: number;
}

// Same formulas in double precision on identical float32 inputs: agreement is ~1e-14.
const TOL = 1e-9;

test('MSE, PSNR and SSIM match skimage.metrics on the fixture pairs', (t) => {
  const { cases } = loadFixture<{ cases: MetricCase[] }>('metrics.json');
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const x = Float32Array.from(c.image);
    const ref = Float32Array.from(c.reference);
    const opts = { rows: c.rows, cols: c.cols, dataRange: c.dataRange };
    const got = { mse: mse(x, ref), psnr: psnr(x, ref, c.dataRange), ssim: ssim(x, ref, opts) };
    for (const k of ['mse', 'psnr', 'ssim'] as const) {
      const rel = Math.abs(got[k] - c[k]) / Math.abs(c[k]);
      t.diagnostic(`${c.name} ${k}: ${got[k]} vs skimage ${c[k]} (rel ${rel.toExponential(1)})`);
      assert.ok(rel < TOL, `${c.name} ${k}: ${got[k]} vs ${c[k]}`);
    }
  }
});

test('identical images: MSE 0, PSNR Infinity, SSIM 1; imageMetrics averages per image', () => {
  const [a, b] = randomImages(2, 784, 9);
  assert.equal(mse(a, a), 0);
  assert.equal(psnr(a, a), Infinity);
  assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12);
  const table = imageMetrics([a, b], [a, a]);
  assert.deepEqual(table.mse, [0, mse(b, a)]);
  assert.equal(table.mean.ssim, (1 + ssim(b, a)) / 2);
  assert.equal(table.ssim[0], ssim(a, a));
});

test('bad metric input gives errors that name the value', () => {
  const [a] = randomImages(1, 784, 10);
  assert.throws(() => mse(a, new Float32Array(100)), (e: Error) => e instanceof CtShapeError && /784 values but the reference has 100/.test(e.message));
  const nan = a.slice();
  nan[3] = NaN;
  assert.throws(() => ssim(nan, a), (e: Error) => e instanceof CtValueError && /image\[3\] is NaN/.test(e.message));
  assert.throws(() => psnr(a, a, 0), (e: Error) => e instanceof CtValueError && /dataRange is 0/.test(e.message));
  assert.throws(() => ssim(new Float32Array(30), new Float32Array(30)), (e: Error) => e instanceof CtShapeError && /not square/.test(e.message));
  assert.throws(() => ssim(new Float32Array(64), new Float32Array(64)), (e: Error) => e instanceof CtShapeError && /8×8.*11×11/.test(e.message));
  assert.throws(() => imageMetrics([a], []), CtShapeError);
});

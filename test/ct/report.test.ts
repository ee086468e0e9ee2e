import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AngleRunResult, ArmResult } from '../../lib/ct/experiment';
import { ctMetricsFigure, ctTableRows } from '../../lib/ct/report';

const arm = (psnr: number[]): ArmResult => {
  const mse = psnr.map((p) => 10 ** (-p / 10));
  const ssim = psnr.map((p) => p / 40);
  const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { images: [], seconds: 0, metrics: { mse, psnr, ssim, mean: { mse: m(mse), psnr: m(psnr), ssim: m(ssim) } } };
};
const result = (angles: number, sirt: number[], mixed: number[]): AngleRunResult => ({ angles, initial: arm(sirt), sirt: arm(sirt), mixed: { mixed: arm(mixed) } });
const results = [result(2, [10, 12, 14], [12, 14, 16]), result(8, [20, 22, 24], [20, 22, 24])];

test('ctTableRows: mean ± std per arm, paired gain over SIRT-100 with its 95 % CI, start accuracy on the mixed row', () => {
  const rows = ctTableRows(results, ['SIRT 100', 'mixed'], [0.5, 0.75]);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((r) => [r.angles, r.method]), [[2, 'SIRT 100'], [2, 'mixed'], [8, 'SIRT 100'], [8, 'mixed']]);
  // PSNR 10, 12, 14: mean 12, population std √(8/3) = 1.63
  assert.equal(rows[0]['PSNR (dB)'], '12.00 ± 1.63');
  assert.equal(rows[0]['ΔPSNR vs SIRT 100 (95 % CI)'], '');
  // every digit gains exactly 2 dB: the interval has width 0
  assert.equal(rows[1]['ΔPSNR vs SIRT 100 (95 % CI)'], '+2.00 ± 0.00');
  assert.equal(rows[1]['class acc. at start'], 0.5);
  assert.equal(rows[3]['class acc. at start'], 0.75);
  assert.equal(rows[2]['class acc. at start'], null);
});

test('ctMetricsFigure: three metric panels per arm plus the gain panel, axes over the angle counts', () => {
  const fig = ctMetricsFigure(results, { metricArms: ['SIRT 100', 'mixed'], gainArms: ['mixed'], gainLegend: () => false, colors: { 'SIRT 100': '#000', mixed: '#f00' }, digits: 3, title: 't' });
  assert.equal(fig.data.length, 3 * 2 + 1);
  const gain = fig.data[6] as { x: number[]; y: number[]; xaxis: string; showlegend: boolean };
  assert.deepEqual(gain.x, [2, 8]);
  assert.deepEqual(gain.y, [2, 0]);
  assert.equal(gain.xaxis, 'x4');
  assert.equal(gain.showlegend, false);
  const layout = fig.layout as Record<string, { tickvals?: number[]; type?: string }>;
  assert.deepEqual(layout.xaxis1.tickvals, [2, 8]);
  assert.equal(layout.yaxis1.type, 'log');
  assert.equal(layout.yaxis2.type, 'linear');
});

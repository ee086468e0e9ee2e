import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { extent, mean, movingAverage, pairedDifference, pearson, rangeText } from '../../lib/eval/stats';
import { ValueRangeError } from '../../lib/tensor/guards';

test('pearson: ±1 for exact linear relations, 0 for orthogonal deviations, symmetric', () => {
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [3, 5, 7, 9]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [8, 6, 4, 2]) + 1) < 1e-12);
  assert.equal(pearson([1, 0, -1, 0], [0, 1, 0, -1]), 0);
  const a = [0.3, 1.7, 2.2, 5.1, 0.4];
  const b = [1.1, 0.2, 2.9, 3.3, 0.8];
  assert.equal(pearson(a, b), pearson(b, a));
  // The textbook value, computed independently: cov / (sd_a sd_b) with n − 1 in both (it cancels).
  const ma = mean(a), mb = mean(b);
  const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0) / 4;
  const sd = (v: number[], m: number) => Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / 4);
  assert.ok(Math.abs(pearson(a, b) - cov / (sd(a, ma) * sd(b, mb))) < 1e-12);
});

test('pearson: a constant list gives NaN without eps and 0 with it; unequal lengths fail naming them', () => {
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.equal(pearson([1, 1, 1], [1, 2, 3], 1e-12), 0);
  assert.throws(() => pearson([1, 2], [1, 2, 3]), (e: Error) => e instanceof ValueRangeError && /2 and 3/.test(e.message));
});

test('pairedDifference: mean, 1.96·s/√n and the sign of the interval', () => {
  const a = [1, 2, 3, 4];
  const b = [0, 0, 0, 0];
  const d = pairedDifference(a, b);
  assert.equal(d.mean, 2.5);
  // sample variance of 1..4 is 5/3
  assert.ok(Math.abs(d.ci95 - 1.96 * Math.sqrt(5 / 3 / 4)) < 1e-12);
  assert.equal(d.sign, 1);
  assert.equal(pairedDifference(b, a).sign, -1);
  assert.equal(pairedDifference([1, -1, 1, -1], [0, 0, 0, 0]).sign, 0);
  assert.throws(() => pairedDifference([1], [2]), ValueRangeError);
});

test('movingAverage: trailing window, shorter at the start', () => {
  assert.deepEqual(movingAverage([2, 4, 6, 8], 2), [2, 3, 5, 7]);
  assert.deepEqual(movingAverage([1, 2, 3], 20), [1, 1.5, 2]);
  assert.throws(() => movingAverage([1], 0), (e: Error) => e instanceof ValueRangeError && /window 0/.test(e.message));
});

test('extent and rangeText', () => {
  assert.deepEqual(extent(Float32Array.from([0.5, -1.25, 3])), [-1.25, 3]);
  assert.equal(rangeText([0.5, -1.25, 3]), '[-1.25, 3.00]');
  assert.deepEqual(extent([]), [Infinity, -Infinity]);
});

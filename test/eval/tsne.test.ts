import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tsne } from '../../lib/eval/tsne';
import { makeRng } from '../../lib/tensor/rng';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

/** Three Gaussian blobs in 10-D, 25 points each, far apart relative to their spread. */
function blobs(seed: number) {
  const rng = makeRng(seed);
  const n = 75;
  const d = 10;
  const x = new Float64Array(n * d);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % 3;
    for (let k = 0; k < d; k++) x[i * d + k] = (k === label[i] ? 8 : 0) + rng.normal();
  }
  return { x, label, n };
}

test('t-SNE keeps separable clusters apart: every point\'s 5 nearest map neighbours share its cluster', () => {
  const { x, label, n } = blobs(1);
  const r = tsne(x, n, { perplexity: 10, iterations: 400, seed: 3 });
  const dist = (i: number, j: number) => Math.hypot(r.y[2 * i] - r.y[2 * j], r.y[2 * i + 1] - r.y[2 * j + 1]);
  let agree = 0;
  let within = 0;
  let between = 0;
  let nw = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const near = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((a, b) => dist(i, a) - dist(i, b)).slice(0, 5);
    agree += near.filter((j) => label[j] === label[i]).length;
    for (let j = i + 1; j < n; j++) {
      if (label[i] === label[j]) (within += dist(i, j)), nw++;
      else (between += dist(i, j)), nb++;
    }
  }
  assert.equal(agree, 5 * n);
  assert.ok(between / nb > 3 * (within / nw), `clusters not separated: between ${between / nb}, within ${within / nw}`);
  assert.ok(Number.isFinite(r.kl) && r.kl > 0);
});

test('t-SNE is seeded: same seed, same map; another seed, another map', () => {
  const { x, n } = blobs(2);
  const a = tsne(x, n, { perplexity: 10, iterations: 50, seed: 5 });
  const b = tsne(x, n, { perplexity: 10, iterations: 50, seed: 5 });
  const c = tsne(x, n, { perplexity: 10, iterations: 50, seed: 6 });
  assert.deepEqual(Array.from(a.y), Array.from(b.y));
  assert.notDeepEqual(Array.from(a.y), Array.from(c.y));
});

test('bad input: ragged data, too high a perplexity, NaN', () => {
  assert.throws(() => tsne(new Float64Array(10), 3, { seed: 1 }), ShapeError);
  assert.throws(() => tsne(new Float64Array(40), 10, { seed: 1, perplexity: 30 }), (e: Error) => e instanceof ValueRangeError && /30/.test(e.message));
  const bad = new Float64Array(40);
  bad[7] = NaN;
  assert.throws(() => tsne(bad, 10, { seed: 1, perplexity: 3 }), (e: Error) => e instanceof ValueRangeError && /index 7/.test(e.message));
});

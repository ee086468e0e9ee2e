import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { makeRng } from '../../lib/tensor/rng';

test('same seed, same stream; another seed, another stream', () => {
  const a = makeRng(42), b = makeRng(42), c = makeRng(43);
  const xs = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.uniform()));
});

test('normal samples have mean 0 and std 1; shuffles are permutations', () => {
  const r = makeRng(1);
  const v = r.normals(20000);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean}, sd ${sd}`);
  const p = r.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) as number[];
  assert.deepEqual([...p].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

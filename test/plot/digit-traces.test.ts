import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DIGIT_COLORS, digitTraces, rowNorm } from '../../lib/plot/digit-traces';

test('digitTraces: one trace per digit holding exactly its points, in its colour', () => {
  const labels = [3, 1, 3, 0];
  const traces = digitTraces([(i) => i, (i) => 10 * i], labels, 4) as { name: string; x: number[]; y: number[]; z?: number[]; marker: { color: string } }[];
  assert.equal(traces.length, 10);
  assert.deepEqual(traces[3].x, [0, 2]);
  assert.deepEqual(traces[3].y, [0, 20]);
  assert.deepEqual(traces[0].x, [3]);
  assert.deepEqual(traces[5].x, []);
  assert.equal(traces[3].marker.color, DIGIT_COLORS[3]);
  assert.equal(traces[3].z, undefined);
  const t3 = digitTraces([(i) => i, (i) => i, (i) => -i], labels, 4, 'scatter3d', 2) as { type: string; z: number[] }[];
  assert.equal(t3[3].type, 'scatter3d');
  assert.deepEqual(t3[3].z, [-0, -2]);
});

test('rowNorm: the Euclidean norm of a row, 1 for a zero row', () => {
  const z = [3, 4, 0, 0, 1, 0];
  assert.equal(rowNorm(z, 0, 2), 5);
  assert.equal(rowNorm(z, 1, 2), 1);
  assert.equal(rowNorm(z, 2, 2), 1);
});

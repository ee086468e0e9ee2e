import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { digitGrid } from '../../lib/plot/grid';
import { perDigitGrid } from '../../lib/plot/per-digit-grid';

before(() => tf.setBackend('cpu'));

test('perDigitGrid shows the first `show` images of each digit block, one row per digit, without leaking', () => {
  const perDigit = 3;
  const images = tf.randomUniform([10 * perDigit, 28, 28, 1], 0, 1, 'float32', 4);
  const live = tf.memory().numTensors;
  const png = perDigitGrid(images, perDigit, 2, 't');
  assert.equal(tf.memory().numTensors, live);
  const rows = tf.gather(images, Array.from({ length: 10 }, (_, d) => [d * perDigit, d * perDigit + 1]).flat());
  const expected = digitGrid(rows, { cols: 2, scale: 2, rowLabels: Array.from({ length: 10 }, (_, d) => `digit ${d}`), title: 't' });
  assert.ok(png.equals(expected));
  tf.dispose([images, rows]);
});

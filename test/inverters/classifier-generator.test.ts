import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PAPER_BASIC, generateDigits, generatorFigure, interpolateDigits, interpolationFigure } from '../../lib/inverters/classifier-generator';
import { Net } from '../../lib/models/net';
import { decodePng } from '../../lib/plot/png';

before(() => tf.setBackend('cpu'));

function linearNet(seed = 5): Net {
  const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05, 'float32', seed));
  return {
    name: 'linear',
    apply: (x) => tf.tidy(() => x.reshape([-1, 784]).matMul(w)),
    trainableVars: () => [w],
    getWeights: () => [w],
    setWeights: (ws) => w.assign(ws[0] as tf.Tensor2D),
    dispose: () => w.dispose(),
  };
}

test('generateDigits raises each digit\'s probability from 0.1 and titles the figure with it', async () => {
  const net = linearNet();
  const mu = tf.fill([1, 28, 28, 1], 0.1) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const g = await generateDigits(net, mu, { ...PAPER_BASIC, steps: 20, lr: 1 });
  assert.equal(g.curve.length, 21);
  assert.ok(Math.abs(g.curve[0] - 0.1) < 1e-6);
  assert.ok(g.curve[20] > g.curve[0] + 0.3, `p(target) ${g.curve[0]} → ${g.curve[20]}`);
  assert.ok(Math.abs(Array.from(g.prob).reduce((a, b) => a + b, 0) / 10 - g.curve[20]) < 1e-4, 'per-image probabilities average to the curve\'s end');
  const png = decodePng(generatorFigure(g.images, [{ label: 'generated', gen: g }], 'test'));
  assert.ok(png.width > 10 * 28 * 3 && png.height > 2 * 28 * 3);
  g.dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(mu);
  net.dispose();
});

test('interpolateDigits moves probability from 0 to the digit as the ratio grows', async () => {
  const net = linearNet();
  const mu = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  const it = await interpolateDigits(net, mu, { ...PAPER_BASIC, lambda: 1, steps: 30, lr: 0.5 }, 0, [4], [0, 0.5, 1]);
  assert.ok(it.probFrom[0] > it.probFrom[2] && it.probTo[2] > it.probTo[0], `p(0) ${Array.from(it.probFrom)}, p(4) ${Array.from(it.probTo)}`);
  const ref = tf.zeros([10, 28, 28, 1]) as tf.Tensor4D;
  assert.ok(decodePng(interpolationFigure(ref, it, 0, 'test')).width > 4 * 28 * 2);
  it.dispose();
  tf.dispose([mu, ref]);
  net.dispose();
});

import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { PAPER_BASIC, generateDigits, generatorFigure, interpolateDigits, interpolationFigure } from '../../lib/inverters/classifier-generator';
import { Net } from '../../lib/models/net';
import { decodePng } from '../../lib/plot/png';
import { ShapeError, ValueRangeError } from '../../lib/tensor/guards';

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

test('bad settings, μ and figure inputs name the value and the fix, without leaking tensors', async () => {
  const net = linearNet();
  const mu = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  const flatMu = tf.zeros([1, 784]) as unknown as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const range = (re: RegExp) => (e: Error) => e instanceof ValueRangeError && re.test(e.message);
  await assert.rejects(generateDigits(net, mu, { ...PAPER_BASIC, lr: NaN }), range(/settings.lr = NaN must be a finite number > 0; see PAPER_BASIC/));
  await assert.rejects(generateDigits(net, mu, { ...PAPER_BASIC, lambda: -1 }), range(/settings.lambda = -1/));
  await assert.rejects(generateDigits(net, mu, { ...PAPER_BASIC, steps: 0.5 }), range(/settings.steps = 0.5 must be a whole number/));
  await assert.rejects(generateDigits(net, mu, PAPER_BASIC, []), range(/digits \[\] is empty/));
  await assert.rejects(generateDigits(net, mu, PAPER_BASIC, [3, 10]), range(/targets\[1\] = 10 is not a class 0–9/));
  await assert.rejects(generateDigits(net, flatMu, PAPER_BASIC), (e: Error) => e instanceof ShapeError && /μ \(the mean image\) has shape \[1,784\] but \[1,28,28,1\]/.test(e.message));
  await assert.rejects(interpolateDigits(net, mu, PAPER_BASIC, 0, [4], [2]), range(/ratios\[0\] = 2/));
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
  const g = await generateDigits(net, mu, { ...PAPER_BASIC, steps: 1 }, [1, 2]);
  const ref = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
  assert.throws(() => generatorFigure(ref, [{ label: 'two', gen: g }], 't'), (e: Error) => e instanceof ShapeError && /row 'two' has 2 images but the reference row has 3/.test(e.message));
  assert.throws(() => interpolationFigure(ref, { images: g.images, digits: Int32Array.from([1, 2]), ratios: [0], probFrom: new Float32Array(2), probTo: new Float32Array(2), dispose: () => undefined }, 0, 't'), /reference .* has shape \[3,28,28,1\] but \[10,28,28,1\]/);
  g.dispose();
  tf.dispose([mu, flatMu, ref]);
  net.dispose();
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';
import { cnnLayers } from '../../lib/models/cnn';
import { chainOf, fromLayers } from '../../lib/models/net';

const seeded = (seed: number) => tf.initializers.glorotNormal({ seed });

/** An FCNN-like functional chain with batch norm, whose output depends on the training flag. */
function functionalChain(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 32, kernelInitializer: seeded(1) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.01 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 10, activation: 'selu', kernelInitializer: seeded(2) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: h });
}

/** Two branches added: not a chain. */
function branched(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 10, kernelInitializer: seeded(3) }).apply(flat) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 10, kernelInitializer: seeded(4) }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

test('chain models run layer by layer with the same outputs and gradients as LayersModel.apply, and free their intermediates', async () => {
  await initBackend('wasm');
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 2);
  const models = [functionalChain(), tf.sequential({ layers: cnnLayers({ seed: 2 }, 10) })];
  for (const model of models) {
    assert.equal(chainOf(model)?.length, model.layers.filter((l) => l.getClassName() !== 'InputLayer').length, `${model.name} is a chain`);
    const net = fromLayers(model);
    for (const training of [false, true]) {
      const [a, b] = [net.apply(x, training), model.apply(x, { training }) as tf.Tensor];
      assert.deepEqual(values(a), values(b), `${model.name}, training=${training}`);
      tf.dispose([a, b]);
    }
    const viaGraph = (t: tf.Tensor, training = false) => model.apply(t, { training }) as tf.Tensor;
    const gx = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.square(f(t))))(x);
    const [ga, gb] = [gx((t) => net.apply(t)), gx(viaGraph)];
    assert.deepEqual(values(ga), values(gb), `${model.name}: input gradient`);
    const gw = (f: (t: tf.Tensor, training: boolean) => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.square(f(x, true))) as tf.Scalar, net.trainableVars());
    const [wa, wb] = [gw(net.apply), gw(viaGraph)];
    for (const k of Object.keys(wa.grads)) assert.deepEqual(values(wa.grads[k]), values(wb.grads[k]), `${model.name}: ${k}`);
    tf.dispose([ga, gb, wa.value, wb.value, ...Object.values(wa.grads), ...Object.values(wb.grads)]);
    // Outside any tidy, only the output survives a call.
    const before = tf.memory().numTensors;
    const y = net.apply(x);
    assert.equal(tf.memory().numTensors, before + 1, `${model.name}: one new tensor`);
    y.dispose();
    net.dispose();
  }
  x.dispose();
});

test('a branched model is not taken for a chain and still runs through the graph executor', async () => {
  await initBackend('wasm');
  const model = branched();
  assert.equal(chainOf(model), null);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
  const [a, b] = [fromLayers(model).apply(x), model.apply(x) as tf.Tensor];
  assert.deepEqual(values(a), values(b));
  tf.dispose([a, b, x]);
  model.dispose();
});

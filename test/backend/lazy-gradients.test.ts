import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/select';

// A Dense stack with distinct sizes, so each gradient's shape says which one it is:
// input [5, 12] → 7 → 3; dW₁ is [12, 7], dx is [5, 12].
function denseNet() {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [12], units: 7, activation: 'selu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 3 }) }),
  ] });
  return model;
}

/** The shapes of every matrix product a computation runs (either orientation: wasm may swap operands). */
async function products(f: () => void): Promise<string[]> {
  const p = await tf.profile(f);
  return p.kernels.filter((k) => /MatMul/.test(k.name)).flatMap((k) => {
    const s = k.outputShapes[0] as number[];
    return [JSON.stringify(s), JSON.stringify([...s].reverse())];
  });
}

test('training computes no gradient for the network input; inverting the input computes no weight gradient', async () => {
  await initBackend('wasm');
  const model = denseNet();
  const x = tf.randomNormal([5, 12], 0, 1, 'float32', 4);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const loss = (t: tf.Tensor) => tf.sum(tf.square(model.apply(t) as tf.Tensor)) as tf.Scalar;

  const train = await products(() => tf.tidy(() => { tf.variableGrads(() => loss(x), vars); }));
  assert.ok(train.includes('[12,7]'), 'dW₁ is computed');
  assert.ok(!train.includes('[5,12]'), `no dL/dx in training: ${train.join(' ')}`);

  const invert = await products(() => tf.tidy(() => { tf.grad(loss)(x); }));
  assert.ok(invert.includes('[5,12]'), 'dL/dx is computed');
  assert.ok(!invert.includes('[12,7]') && !invert.includes('[7,3]'), `no weight gradient when inverting: ${invert.join(' ')}`);
  tf.dispose(x);
  model.dispose();
});

test('gradients through the unfused path equal the fused ones (cpu backend as reference) and inference still fuses', async () => {
  const grads: Record<string, Float32Array[]> = {};
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b);
    const model = denseNet();
    const x = tf.randomNormal([5, 12], 0, 1, 'float32', 4);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { grads: g } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.square(model.apply(t) as tf.Tensor)) as tf.Scalar)(x);
    grads[b] = [...vars.map((v) => g[v.name].dataSync() as Float32Array), dx.dataSync() as Float32Array];
    if (b === 'wasm') {
      const kernels = (await tf.profile(() => tf.tidy(() => { model.predict(x); }))).kernels.map((k) => k.name);
      assert.ok(kernels.includes('_FusedMatMul'), `inference keeps the fused kernel: ${kernels.join(' ')}`);
    }
    tf.dispose([x, dx, ...Object.values(g)]);
    model.dispose();
  }
  grads.cpu.forEach((want, i) => {
    const got = grads.wasm[i];
    const scale = Math.max(...Array.from(want, Math.abs));
    const err = Math.max(...Array.from(want, (v, j) => Math.abs(v - got[j]))) / scale;
    assert.ok(err < 1e-5, `gradient ${i}: relative error ${err}`);
  });
  await tf.setBackend('wasm');
});

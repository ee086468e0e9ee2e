import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { createCnn } from '../../lib/models/cnn';
import { createFcnn } from '../../lib/models/fcnn';
import { Net, fromLayers } from '../../lib/models/net';
import { createVit } from '../../lib/models/vit';

/**
 * Every model family in lib trains on wasm: the gradient of a loss w.r.t. all weights, computed on wasm
 * (with the kernels lib/backend/wasm adds) equals the cpu backend's. Families other helpers write (VAE,
 * GAN, RBM, DDPM UNet, invertible MLP) are covered through the ops they are built from.
 */
before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

/** Gradients of loss(net) w.r.t. net's variables on one backend, as flat arrays. */
async function gradsOn(backend: string, net: Net, loss: (net: Net) => tf.Scalar): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const { value, grads } = tf.variableGrads(() => loss(net), net.trainableVars());
  const out: Float32Array[] = [];
  for (const v of net.trainableVars()) out.push((await grads[v.name].data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

async function assertSameGrads(net: Net, loss: (net: Net) => tf.Scalar, tol = 1e-4): Promise<number> {
  const cpu = await gradsOn('cpu', net, loss);
  const wasm = await gradsOn('wasm', net, loss);
  // Relative to the largest gradient entry of the model: some gradients are ~0 by construction (a
  // batch-norm beta under a loss symmetric in its output), and their round-off is not an error.
  const scale = Math.max(1e-12, ...cpu.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  let worst = 0;
  cpu.forEach((c, i) => {
    let d = 0;
    for (let j = 0; j < c.length; j++) d = Math.max(d, Math.abs(c[j] - wasm[i][j]));
    assert.ok(wasm[i].every(Number.isFinite), `${net.name}: weight ${i} has non-finite gradients on wasm`);
    worst = Math.max(worst, d / scale);
  });
  assert.ok(worst < tol, `${net.name}: wasm vs cpu gradient relative error ${worst}`);
  return worst;
}

const batch = (n: number, seed: number) => ({
  x: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed),
  y: tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', seed + 1), 10).toFloat(),
});
const ce = (x: tf.Tensor, y: tf.Tensor) => (net: Net) => tf.losses.softmaxCrossEntropy(y, net.apply(x, true)) as tf.Scalar;

test('FCNN, CNN and ViT gradients on wasm equal cpu', async () => {
  const { x, y } = batch(4, 1);
  const errs: Record<string, number> = {};
  for (const net of [
    createFcnn({ layers: 3, width: 32, activation: 'selu', seed: 1 }),
    createFcnn({ layers: 2, width: 32, activation: 'leakyRelu', seed: 2 }),
    createCnn({ seed: 3, filters: [4, 8], hidden: 16 }),
    createVit({ patch: 7, dim: 16, depth: 2, heads: 2, mlpDim: 32, classes: 10, seed: 4 }),
  ]) {
    errs[net.name] = await assertSameGrads(net, ce(x, y));
    net.dispose();
  }
  console.log('gradient relative error wasm vs cpu:', JSON.stringify(errs));
  tf.dispose([x, y]);
});

test('the ops of the VAE, GAN, RBM, UNet and invertible MLP train on wasm', async () => {
  // Stride-2 convs down, conv2dTranspose and nearest upsampling up (UNet, DCGAN), depthwise, batch
  // norm, average pooling, sigmoid/tanh/softplus/elu/leakyRelu, an embedding lookup (time or class
  // embeddings: gather, whose gradient is UnsortedSegmentSum).
  const inp = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.averagePooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.upSampling2d({ size: [2, 2] }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.separableConv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'softplus', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 4 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 10, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(h) as tf.SymbolicTensor;
  const net = fromLayers(tf.model({ inputs: inp, outputs: h }), 'op-coverage');
  const table = tf.variable(tf.randomNormal([10, 10], 0, 1, 'float32', 7), true, 'embedding_table');
  const withEmbedding: Net = { ...net, trainableVars: () => [...net.trainableVars(), table] };
  // One image: the cpu ResizeNearestNeighborGrad (upSampling2d's backward) mixes up images when the
  // batch has more than one (tfjs 4.22), so the cpu reference is only right for batch 1. The wasm one is
  // right for any batch (checked against the adjoint in wasm-kernels.test.ts).
  const { x } = batch(1, 8);
  const labels = tf.tensor1d([3], 'int32');
  const loss = (n: Net) => tf.tidy(() => {
    const out = n.apply(x, true);
    return tf.mean(tf.square(tf.sub(out, tf.gather(table, labels)))) as tf.Scalar;
  });
  const err = await assertSameGrads(withEmbedding, loss);
  console.log('op-coverage model: gradient relative error wasm vs cpu', err.toExponential(2));
  net.dispose();
  tf.dispose([table, x, labels]);
});

test('1,000 training steps of a small CNN on wasm leave tensors and wasm memory flat', async () => {
  await tf.setBackend('wasm');
  const net = createCnn({ seed: 5, filters: [2, 4], hidden: 8 });
  const opt = tf.train.adam(1e-3);
  const { x, y } = batch(2, 9);
  const loss = ce(x, y);
  const step = () => tf.tidy(() => { opt.minimize(() => loss(net), false, net.trainableVars()); });
  for (let i = 0; i < 20; i++) step(); // optimiser slots, XNNPACK operators and the patch cache settle
  const heap = () => ((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length);
  const t0 = tf.memory();
  const h0 = heap();
  for (let i = 0; i < 1000; i++) step();
  const t1 = tf.memory();
  assert.equal(t1.numTensors, t0.numTensors, 'tensor count grew');
  assert.equal(t1.numBytes, t0.numBytes, 'tensor bytes grew');
  assert.equal(heap(), h0, 'wasm heap grew');
  opt.dispose();
  net.dispose();
  tf.dispose([x, y]);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { inputAdapter, loadUserModel, saveModelFiles, USER_MODEL_ENV, UserModelError } from '../../lib/models/user-model';
import { forwardpassInvert, targetCheck } from '../../lib/inverters/forwardpass';

let dir: string;
before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-model-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small classifier over [n,784] ending in softmax, as a converted PyTorch/Keras model might. */
function smallModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: 32, activation: 'elu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
  return m;
}

test('a saved layers model loads back as a Net that gives the same predictions (as logits)', async () => {
  const model = smallModel();
  const file = await saveModelFiles(model, path.join(dir, 'small'));
  assert.ok(fs.existsSync(file) && fs.existsSync(path.join(dir, 'small', 'weights.bin')));
  const net = await loadUserModel(file);
  assert.ok(net);
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);
  const want = model.predict(x.reshape([4, 784])) as tf.Tensor;
  const logits = net.apply(x);
  assert.deepEqual(logits.shape, [4, 10]);
  const got = tf.softmax(logits);
  const diff = tf.tidy(() => tf.abs(tf.sub(got, want)).max().dataSync()[0]);
  assert.ok(diff < 1e-5, `predictions differ by ${diff}`);
  tf.dispose([x, want, logits, got]);
  // FORWARDPASSINV runs on it (gradients flow through the adapter and the loaded weights).
  const r = await forwardpassInvert(net, { targets: Int32Array.from([2, 7]), seed: 1 });
  assert.ok(targetCheck(r.probs, r.targets).pass.every(Boolean), `residuals ${Array.from(r.residuals)}`);
  tf.dispose([r.images, r.probs]);
  net.dispose();
  model.dispose();
});

test('the environment variable picks the model; unset gives null', async () => {
  const saved = process.env[USER_MODEL_ENV];
  delete process.env[USER_MODEL_ENV];
  assert.equal(await loadUserModel(), null);
  const model = smallModel();
  process.env[USER_MODEL_ENV] = await saveModelFiles(model, path.join(dir, 'env'));
  const net = await loadUserModel();
  assert.ok(net);
  net.dispose();
  model.dispose();
  if (saved === undefined) delete process.env[USER_MODEL_ENV];
  else process.env[USER_MODEL_ENV] = saved;
});

test('missing files, non-models and unsupported input shapes give clear errors', async () => {
  await assert.rejects(loadUserModel(path.join(dir, 'nope', 'model.json')), (e: Error) => e instanceof UserModelError && /does not exist/.test(e.message));
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ hello: 1 }));
  await assert.rejects(loadUserModel(bad), /not a TensorFlow.js model.json/);
  const model = smallModel();
  const file = await saveModelFiles(model, path.join(dir, 'noshard'));
  fs.rmSync(path.join(dir, 'noshard', 'weights.bin'));
  await assert.rejects(loadUserModel(file), /weights.bin named in .* is missing/);
  model.dispose();
  assert.throws(() => inputAdapter([null, 5, 5], 'm'), /\[n,5,5\]/);
  const up = inputAdapter([null, 32, 32, 3], 'm');
  const y = up(tf.zeros([2, 28, 28, 1]));
  assert.deepEqual(y.shape, [2, 32, 32, 3]);
  y.dispose();
});

test('every broken model file gives a UserModelError naming its path and the fix, without leaking tensors', async () => {
  const model = smallModel();
  const good = await saveModelFiles(model, path.join(dir, 'broken-src'));
  model.dispose();
  /** A copy of the good files in its own folder, with model.json (and the folder) edited. */
  const broken = (name: string, edit: (json: Record<string, any>, folder: string) => void): string => {
    const folder = path.join(dir, name);
    fs.cpSync(path.dirname(good), folder, { recursive: true });
    const file = path.join(folder, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(json, folder);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const nonJson = path.join(dir, 'broken-nonjson', 'model.json');
  fs.mkdirSync(path.dirname(nonJson), { recursive: true });
  fs.writeFileSync(nonJson, '{"format": "layers-model", "modelTopology": ');
  const cases: [string, string, RegExp][] = [
    ['non-JSON', nonJson, /is not JSON .*; point MNIST_LAB_DINO_MODEL at a tensorflowjs_converter model.json/],
    ['wrong topology', broken('broken-topology', (j) => { j.modelTopology = { hello: 1 }; }), /TensorFlow.js cannot build a layers model from it \(.*Improper config format.*\); convert the model again with tensorflowjs_converter/],
    ['unknown layer', broken('broken-layer', (j) => { j.modelTopology.config.layers[1].class_name = 'FancyDense'; }), /layer '.*' is a FancyDense, a layer class TensorFlow.js does not have; register it with tf.serialization.registerClass/],
    ['truncated shard', broken('broken-shard', (_j, f) => { const w = path.join(f, 'weights.bin'); fs.writeFileSync(w, fs.readFileSync(w).subarray(0, 1000)); }), /hold 1000 bytes \(weights.bin: 1000 bytes\) but its weightsManifest describes 101800; a shard is truncated/],
    ['junk graph model', broken('broken-graph', (j) => { j.format = 'graph-model'; j.modelTopology = { node: [{ name: 'x', op: 'Nope' }] }; }), /TensorFlow.js cannot build a graph model from it .*; convert the model again/],
  ];
  const before = tf.memory().numTensors;
  for (const [what, file, re] of cases) {
    await assert.rejects(loadUserModel(file), (e: Error) => e instanceof UserModelError && e.message.includes(file) && re.test(e.message), `${what}: the error names the file and the fix`);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors leak on the error path');
  // The wrong input shape names the file too.
  const odd = tf.sequential();
  odd.add(tf.layers.dense({ inputShape: [5, 5], units: 10 }));
  const oddFile = await saveModelFiles(odd, path.join(dir, 'broken-shape'));
  odd.dispose();
  await assert.rejects(loadUserModel(oddFile), (e: Error) => e instanceof UserModelError && e.message.includes(oddFile) && /\[n,5,5\]; supported are \[n,784\]/.test(e.message));
  // The good files still load.
  const net = await loadUserModel(good);
  assert.ok(net);
  net.dispose();
});

test('a graph model (hand-written: x·W) loads and predicts; the same graph with a junk node is refused by path', async () => {
  const folder = path.join(dir, 'graph-ok');
  fs.mkdirSync(folder, { recursive: true });
  const w = Float32Array.from({ length: 7840 }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
  fs.writeFileSync(path.join(folder, 'w.bin'), new Uint8Array(w.buffer));
  const dim = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
  const topology = {
    versions: { producer: 1 },
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim(-1, 784) } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(784, 10) } } } },
      { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
    ],
  };
  const file = path.join(folder, 'model.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'graph-model', modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [784, 10], dtype: 'float32' }] }] }));
  const net = await loadUserModel(file);
  assert.ok(net);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4);
  const want = tf.matMul(x.reshape([2, 784]), tf.tensor2d(w, [784, 10]));
  const got = net.apply(x);
  assert.ok(tf.tidy(() => tf.abs(tf.sub(got, want)).max().dataSync()[0]) < 1e-4);
  tf.dispose([x, want, got]);
  net.dispose();
  const junk = { ...topology, node: [...topology.node, { name: 'z', op: 'NoSuchOp', input: ['y'] }] };
  fs.writeFileSync(file, JSON.stringify({ format: 'graph-model', modelTopology: junk, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [784, 10], dtype: 'float32' }] }] }));
  const before = tf.memory().numTensors;
  await assert.rejects(loadUserModel(file), (e: Error) => e instanceof UserModelError && e.message.includes(file) && /NoSuchOp/.test(e.message) && /convert the model again/.test(e.message));
  assert.equal(tf.memory().numTensors, before, 'the weights of a refused graph are not left behind');
});

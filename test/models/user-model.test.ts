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

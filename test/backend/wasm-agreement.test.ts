import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { createFcnn } from '../../lib/models/fcnn';

/**
 * An FCNN-2 trained 200 steps on wasm and on cpu from the same seed and the same batches ends with
 * losses within 2 %. The cpu backend needs ~0.3 s a step for the full 784-wide M1, so this test uses
 * width 32 (the same layers and kernels); scripts/bench.ts runs the check on M1 itself (batch 16).
 */
async function trainFcnn(backend: string, steps: number, batch: number, width: number): Promise<number[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const net = createFcnn({ layers: 2, width, activation: 'selu', seed: 11 });
  const opt = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const seed = 1000 + (i % 10); // 10 fixed batches, visited in order
    const l = tf.tidy(() => {
      const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', seed);
      const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', seed + 1), 10).toFloat();
      return opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.apply(x, true)) as tf.Scalar, true, net.trainableVars()) as tf.Scalar;
    });
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  opt.dispose();
  net.dispose();
  return losses;
}

test('FCNN-2 trained 200 steps on wasm and on cpu ends with losses within 2 %', async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  const wasm = await trainFcnn('wasm', 200, 4, 32);
  const cpu = await trainFcnn('cpu', 200, 4, 32);
  const rel = Math.abs(wasm[199] - cpu[199]) / cpu[199];
  console.log(`final loss wasm ${wasm[199].toFixed(6)}, cpu ${cpu[199].toFixed(6)}, relative difference ${(rel * 100).toFixed(4)} %`);
  assert.ok(wasm[199] < wasm[0], 'the loss went down');
  assert.ok(rel < 0.02, `relative difference ${rel}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { simdKernels } from '../../lib/backend/wasm/simd/instance';
import { assemble, WAT_DIR, bytesTs } from '../../scripts/build-wat';

/** The hand-written SIMD modules: their committed bytes, and what they compute over tfjs's heap. */

test('each -bytes.ts holds exactly what its .wat assembles to (run scripts/build-wat.ts after editing a .wat)', async () => {
  const wats = readdirSync(WAT_DIR).filter((f) => f.endsWith('.wat'));
  assert.ok(wats.length > 0);
  for (const name of wats) {
    const bytes = await assemble(join(WAT_DIR, name));
    assert.ok(WebAssembly.validate(bytes), name);
    assert.equal(readFileSync(join(WAT_DIR, name.replace(/\.wat$/, '-bytes.ts')), 'utf8'), bytesTs(name, bytes), `${name} is stale`);
  }
});

const LAMBDA = 1.0507009873554805;
const LAMBDA_ALPHA = 1.0507009873554805 * 1.6732632423543772;

test('selu_grad on the wasm heap: every element within 2.5e-7 of float64 (specials, every tail length), nothing outside the output written', async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  const backend = tf.backend();
  assert.ok(simdKernels(backend), 'the module instantiates on tfjs memory');
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, -1e-6, -0.3465, 0.3466, -0.5, -10.5, -20, -87, -87.3, -87.59, -87.61, -100];
  const random = Array.from({ length: 4000 }, (_, i) => -95 + 100 * ((i * 0.6180339887) % 1));
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, specials.length, 4000]) {
    const xs = (n === specials.length ? specials : n === 4000 ? random : specials.slice(0, n)).map((v, i) => (n < 10 ? v - i : v));
    const dyv = xs.map((_, i) => 0.5 + (i % 7) / 3);
    const [x, dy] = [tf.tensor1d(xs), tf.tensor1d(dyv)];
    const guard = tf.fill([64], 7); // allocated after the inputs: a neighbour that must stay untouched
    const g = tf.engine().runKernel('LabSeluGrad', { dy, x }) as tf.Tensor;
    const [gv, xv] = [g.dataSync(), x.dataSync()];
    for (let i = 0; i < n; i++) {
      const xi = xv[i];
      const want = dyv[i] * (xi > 0 ? LAMBDA : LAMBDA_ALPHA * Math.exp(xi));
      if (Number.isNaN(want)) assert.ok(Number.isNaN(gv[i]), `x = ${xi}: ${gv[i]}`);
      else if (xi < -87.6) assert.equal(gv[i], 0, `x = ${xi} (below the clamp, the true value is < 2e-38)`);
      else assert.ok(Math.abs(gv[i] - want) <= 2.5e-7 * Math.abs(want), `n = ${n}, x = ${xi}: ${gv[i]}, want ${want}`);
    }
    assert.ok(guard.dataSync().every((v) => v === 7), `n = ${n}: a neighbouring tensor was written`);
    tf.dispose([x, dy, guard, g]);
  }
});

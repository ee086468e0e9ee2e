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

/** ERF as tfjs's cpu backend computes it (Abramowitz & Stegun 7.1.26), in float64. */
function erfAS(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return Math.sign(x) * (1 - poly * Math.exp(-x * x));
}

test('Exp and Erf on wasm: every element against float64 (eˣ within 2.5e-7 relative over the whole range, subnormals within one step; erf within 4e-7 of the cpu formula), every tail length, and Erf\'s gradient matches cpu', async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1e-6, -0.3466, 1, -1, 20, -20, 88, 88.72, 88.73, 100, -87.5, -100, -103.9, -104.5, -110, 3.5, -3.5];
  const random = Array.from({ length: 4000 }, (_, i) => -110 + 200 * ((i * 0.6180339887) % 1));
  for (const n of [1, 3, 4, 5, 7, 9, specials.length, 4000]) {
    const xs = n === 4000 ? random : n === specials.length ? specials : specials.slice(0, n);
    const x = tf.tensor1d(xs);
    const [e, f] = [tf.exp(x), tf.erf(x)];
    const [ev, fv, xv] = [e.dataSync(), f.dataSync(), x.dataSync()];
    for (let i = 0; i < n; i++) {
      const xi = xv[i];
      const want = Math.exp(xi);
      if (Number.isNaN(want)) assert.ok(Number.isNaN(ev[i]) && Number.isNaN(fv[i]), `x = ${xi}: ${ev[i]}, ${fv[i]}`);
      else {
        const w32 = Math.fround(want);
        if (!Number.isFinite(w32) || w32 === 0) assert.equal(ev[i], w32, `exp(${xi})`);
        else if (w32 < 1.17549435e-38) assert.ok(Math.abs(ev[i] - want) <= 1.5e-45, `exp(${xi}) = ${ev[i]} (subnormal), want ${want}`);
        else assert.ok(Math.abs(ev[i] - want) <= 2.5e-7 * want, `exp(${xi}) = ${ev[i]}, want ${want}`);
        assert.ok(Math.abs(fv[i] - erfAS(xi)) <= 4e-7, `erf(${xi}) = ${fv[i]}, want ${erfAS(xi)}`);
      }
    }
    tf.dispose([x, e, f]);
  }
  // The GELU path: erf's gradient is 2/√π·e^(−x²)·dy, through the SIMD Exp.
  const x = tf.randomNormal([7, 33], 0, 2, 'float32', 5);
  const gelu = (t: tf.Tensor) => tf.sum(tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1)));
  const grads: Float32Array[] = [];
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b);
    const g = tf.grad(gelu)(x);
    grads.push(g.dataSync() as Float32Array);
    g.dispose();
  }
  const err = grads[0].reduce((m, v, i) => Math.max(m, Math.abs(v - grads[1][i])), 0);
  assert.ok(err < 1e-6, `GELU gradient, max |wasm − cpu| = ${err}`);
  x.dispose();
  // Nothing grows: the module allocates nothing in tfjs's heap.
  await tf.setBackend('wasm');
  const y = tf.randomNormal([5, 37]);
  tf.exp(y).dispose();
  const [n0, bytes0] = [tf.memory().numTensors, tf.memory().numBytes];
  for (let i = 0; i < 5; i++) tf.tidy(() => { tf.erf(tf.exp(y)); });
  assert.deepEqual([tf.memory().numTensors, tf.memory().numBytes], [n0, bytes0]);
  y.dispose();
});

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm';
import { convBackpropFilter, convBackpropInput } from '../../lib/backend/wasm/conv-math';
import { makeRng } from '../../lib/tensor/rng';

/**
 * Each kernel lib/backend/wasm registers, run on wasm and on cpu with the same random inputs over
 * random shapes, strides and paddings. Error = max |wasm − cpu| / max |cpu| over a kernel's cases.
 */
const TOL = 1e-5;
const rng = makeRng(20261123);
const int = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);
const pick = <T>(a: T[]): T => a[rng.int(a.length)];
const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', rng.seed());

/** Runs f on both backends (inputs are moved by the engine) and returns the relative error. */
async function wasmVsCpu(f: () => tf.Tensor): Promise<number> {
  const vals: Float32Array[] = [];
  for (const b of ['cpu', 'wasm']) {
    await tf.setBackend(b);
    const t = f();
    vals.push((await t.data()) as Float32Array);
    t.dispose();
  }
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < vals[0].length; i++) {
    diff = Math.max(diff, Math.abs(vals[0][i] - vals[1][i]));
    scale = Math.max(scale, Math.abs(vals[0][i]));
  }
  assert.equal(vals[0].length, vals[1].length);
  return diff / scale;
}

type Pad = 'valid' | 'same' | number;
interface ConvCase { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; pad: Pad }

/** Input channels 1–4 take dx's columns route, more take the forward-conv route (conv-math.ts). */
function randomConvCase(channels: [number, number] = [1, 5]): ConvCase {
  for (;;) {
    const c: ConvCase = {
      x: [int(1, 3), int(4, 12), int(4, 12), int(channels[0], channels[1])],
      f: [int(1, 4), int(1, 4), 0, int(1, 40)],
      s: [int(1, 3), int(1, 3)],
      pad: pick<Pad>(['valid', 'same', 0, 1, 2]),
    };
    c.f[2] = c.x[3];
    // tfjs-core sizes numerically padded convs from the filter height and row stride alone (4.22), so
    // numeric pads are only meaningful with square filters and equal strides; the wasm forward conv
    // then even writes out of bounds. Keep them square.
    if (typeof c.pad === 'number') {
      c.f[1] = c.f[0];
      c.s[1] = c.s[0];
      c.x[2] = c.x[1];
    }
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
    if (info.outHeight > 0 && info.outWidth > 0) return c;
  }
}

const report: Record<string, number> = {};
function record(name: string, e: number) {
  report[name] = Math.max(report[name] ?? 0, e);
}

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

test('Conv2DBackpropFilter and Conv2DBackpropInput match cpu on 18 random convs', async () => {
  for (let i = 0; i < 18; i++) {
    const c = randomConvCase(i % 3 === 2 ? [5, 9] : [1, 5]);
    const x = rnd(c.x) as tf.Tensor4D;
    const w = rnd(c.f) as tf.Tensor4D;
    const dy = rnd(tf.conv2d(x, w, c.s, c.pad).shape);
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
    const ef = await wasmVsCpu(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }) as tf.Tensor);
    const ei = await wasmVsCpu(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor);
    record('Conv2DBackpropFilter', ef);
    record('Conv2DBackpropInput', ei);
    assert.ok(ef < TOL && ei < TOL, `case ${JSON.stringify(c)}: filter ${ef}, input ${ei}`);
    tf.dispose([x, w, dy]);
  }
});

test('conv gradients with dilation match cpu on the zero-stuffed (dilated) filter', async () => {
  for (let i = 0; i < 6; i++) {
    const d: [number, number] = [int(1, 3), int(1, 3)];
    const c = randomConvCase();
    const [kh, kw, ci, co] = c.f;
    const dil: [number, number, number, number] = [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1, ci, co];
    const x = rnd([c.x[0], c.x[1] + 6, c.x[2] + 6, ci]) as tf.Tensor4D;
    const xShape = x.shape;
    const w = rnd(c.f) as tf.Tensor4D;
    // The dilated filter with zeros between taps: a dilation-free reference the cpu kernels accept.
    const mask = tf.buffer(dil);
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let p = 0; p < ci; p++) for (let q = 0; q < co; q++) mask.set(1, a * d[0], b * d[1], p, q);
    const wd = tf.tidy(() => {
      const up = tf.tile(w, [1, 1, 1, 1]).bufferSync();
      const buf = tf.buffer(dil);
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let p = 0; p < ci; p++) for (let q = 0; q < co; q++) buf.set(up.get(a, b, p, q), a * d[0], b * d[1], p, q);
      return buf.toTensor();
    }) as tf.Tensor4D;
    const pad = pick<Pad>(['valid', 'same']);
    const dy = rnd(tf.conv2d(x, wd, 1, pad).shape) as tf.Tensor4D;
    await tf.setBackend('cpu');
    const refIn = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: wd }, { strides: 1, pad, dataFormat: 'NHWC', inputShape: xShape }) as tf.Tensor;
    const refFull = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad, dataFormat: 'NHWC', filterShape: dil }) as tf.Tensor4D;
    const refF = tf.stridedSlice(refFull, [0, 0, 0, 0], dil, [d[0], d[1], 1, 1]);
    const refInV = await refIn.data();
    const refFV = await refF.data();
    await tf.setBackend('wasm');
    const gotIn = await convBackpropInput(dy, w, xShape, [1, 1], d, pad, undefined).data();
    const gotF = await convBackpropFilter(x, dy, c.f, [1, 1], d, pad, undefined).data();
    const rel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let m = 0;
      let s = 1e-12;
      for (let j = 0; j < a.length; j++) {
        m = Math.max(m, Math.abs(a[j] - b[j]));
        s = Math.max(s, Math.abs(b[j]));
      }
      return m / s;
    };
    const ei = rel(gotIn, refInV);
    const ef = rel(gotF, refFV);
    record('conv input grad, dilated', ei);
    record('conv filter grad, dilated', ef);
    assert.ok(ei < TOL && ef < TOL, `dilation ${d}, pad ${pad}: input ${ei}, filter ${ef}`);
    tf.dispose([x, w, wd, dy, refIn, refFull, refF]);
  }
});

test('depthwise conv gradients match cpu on 8 random cases', async () => {
  for (let i = 0; i < 8; i++) {
    const c = randomConvCase();
    const m = int(1, 3);
    const f: [number, number, number, number] = [c.f[0], c.f[1], c.x[3], m];
    const s = c.s[0];
    const x = rnd(c.x) as tf.Tensor4D;
    const w = rnd(f) as tf.Tensor4D;
    const dy = rnd(tf.depthwiseConv2d(x, w, [s, s], c.pad).shape);
    const attrs = { strides: [s, s], pad: c.pad, dilations: [1, 1] };
    const ef = await wasmVsCpu(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: f }) as tf.Tensor);
    const ei = await wasmVsCpu(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor);
    record('DepthwiseConv2dNativeBackpropFilter', ef);
    record('DepthwiseConv2dNativeBackpropInput', ei);
    assert.ok(ef < TOL && ei < TOL, `case ${JSON.stringify({ ...c, m })}: filter ${ef}, input ${ei}`);
    tf.dispose([x, w, dy]);
  }
});

test('MaxPoolGrad matches cpu: non-overlapping windows with ties, overlapping without', async () => {
  const cases: { x: number[]; k: number; s: number; pad: Pad }[] = [
    { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 7, 3], k: 2, s: 2, pad: 'valid' },
    { x: [1, 6, 9, 2], k: 3, s: 3, pad: 'same' },
    { x: [64, 26, 26, 4], k: 2, s: 2, pad: 'valid' },
  ];
  for (let i = 0; i < 4; i++) {
    const k = int(1, 3);
    cases.push({ x: [int(1, 3), int(4, 10), int(4, 10), int(1, 4)], k, s: k, pad: 'valid' });
  }
  // Overlapping windows go through argmax + scatter: exact without ties (with ties it may pick another
  // of the equal maxima than cpu).
  const overlapping = [{ x: [2, 7, 9, 3], k: 3, s: 2, pad: 'same' as Pad }, { x: [2, 6, 6, 2], k: 3, s: 1, pad: 'valid' as Pad }];
  for (const c of [...cases, ...overlapping]) {
    for (const ties of c.k === c.s ? [false, true] : [false]) {
      // Ties: ReLU-like inputs with many exact zeros, and values rounded to a coarse grid.
      const x = tf.tidy(() => (ties ? tf.relu(tf.round(tf.mul(rnd(c.x), 2))) : rnd(c.x))) as tf.Tensor4D;
      const y = tf.maxPool(x, c.k, c.s, c.pad);
      const dy = rnd(y.shape);
      const e = await wasmVsCpu(() => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: c.k, strides: c.s, pad: c.pad }) as tf.Tensor);
      record('MaxPoolGrad', e);
      assert.ok(e < TOL, `case ${JSON.stringify(c)} ties=${ties}: ${e}`);
      tf.dispose([x, y, dy]);
    }
  }
});

test('BatchMatMul and _FusedMatMul match cpu for every transpose combination, rank 2 and 3', async () => {
  for (let i = 0; i < 8; i++) {
    const batch = pick([[], [int(1, 3)]]);
    const [m, k, n] = [int(1, 40), int(1, 40), int(1, 40)];
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = rnd([...batch, ...(tA ? [k, m] : [m, k])]);
      const b = rnd([...batch, ...(tB ? [n, k] : [k, n])]);
      const bias = rnd([n]);
      const e1 = await wasmVsCpu(() => tf.matMul(a, b, tA, tB));
      record('BatchMatMul', e1);
      const e2 = await wasmVsCpu(() => tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: 'relu' }));
      record('_FusedMatMul', e2);
      assert.ok(e1 < TOL && e2 < TOL, `[${batch}] ${m}×${k}×${n} tA=${tA} tB=${tB}: ${e1}, ${e2}`);
      tf.dispose([a, b, bias]);
    }
  }
  // A right operand used twice (a fixed weight) takes the cached route the second time.
  const x = rnd([64, 100]);
  const w = rnd([100, 300]);
  for (let r = 0; r < 3; r++) record('BatchMatMul', await wasmVsCpu(() => tf.matMul(x, w)));
  tf.dispose([x, w]);
});

test('UnsortedSegmentSum matches cpu, including out-of-range ids; gather gradient works', async () => {
  const x = rnd([7, 3, 2]);
  const ids = tf.tensor1d([0, 4, 4, 2, -1, 1, 9], 'int32');
  const e = await wasmVsCpu(() => tf.unsortedSegmentSum(x, ids, 5));
  const table = rnd([6, 4]);
  const idx = tf.tensor1d([5, 0, 0, 3], 'int32');
  const eg = await wasmVsCpu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))))(table));
  record('UnsortedSegmentSum', Math.max(e, eg));
  assert.ok(e < TOL && eg < TOL, `${e} ${eg}`);
  tf.dispose([x, ids, table, idx]);
});

test('Sum over leading axes (bias gradients) matches cpu; other sums keep the wasm kernel', async () => {
  const cases: [number[], number | number[], boolean][] = [
    [[64, 13, 13, 8], [0, 1, 2], false], [[40, 9, 3], [0, 1], true], [[300, 7], 0, false], [[300, 7], -2, true],
    [[5, 6, 7], [1, 2], false], [[4, 300], 0, false], [[9, 8, 7], [2], true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const x = rnd(shape);
    const e = await wasmVsCpu(() => tf.sum(x, axis, keepDims));
    record('Sum', e);
    assert.ok(e < TOL, `${shape} axis ${axis}: ${e}`);
    x.dispose();
  }
});

test('Transpose of rank 5 and 6 matches cpu for random permutations', async () => {
  for (let i = 0; i < 10; i++) {
    const rank = pick([5, 6]);
    const shape = Array.from({ length: rank }, () => int(1, 4));
    const perm = rng.shuffle(Array.from({ length: rank }, (_, j) => j)) as number[];
    const x = rnd(shape);
    const e = await wasmVsCpu(() => tf.transpose(x, perm));
    record('Transpose', e);
    assert.ok(e === 0, `${shape} perm ${perm}: ${e}`);
    x.dispose();
  }
});

test('Slice matches cpu exactly on random ranks 1–6, begins and sizes (incl. -1), float32 and int32', async () => {
  for (let i = 0; i < 40; i++) {
    const rank = int(1, 6);
    const shape = Array.from({ length: rank }, () => int(1, 7));
    const begin = shape.map((d) => rng.int(d));
    const size = shape.map((d, a) => (rng.int(3) === 0 ? -1 : 1 + rng.int(d - begin[a])));
    const x = i % 5 === 4 ? tf.cast(tf.mul(rnd(shape), 100), 'int32') : rnd(shape);
    const e = await wasmVsCpu(() => tf.cast(tf.slice(x, begin, size), 'float32'));
    record('Slice', e);
    assert.ok(e === 0, `${shape} begin ${begin} size ${size}: ${e}`);
    x.dispose();
  }
  // The cases lib slices most: one-channel images and conv crops.
  const img = rnd([10, 28, 28, 1]);
  for (const [b, z] of [[[0, 1, 0, 0], [10, 27, 28, 1]], [[0, 0, 1, 0], [10, 28, 27, 1]], [[2, 0, 0, 0], [3, 28, 28, 1]]] as [number[], number[]][]) {
    const e = await wasmVsCpu(() => tf.slice(img, b, z));
    assert.ok(e === 0, `image slice ${b} ${z}: ${e}`);
  }
  img.dispose();
});

test('Concat matches cpu exactly on random ranks, axes and input counts, float32 and int32', async () => {
  for (let i = 0; i < 30; i++) {
    const rank = int(1, 5);
    const axis = rng.int(rank);
    const shape = Array.from({ length: rank }, () => int(1, 6));
    const parts = Array.from({ length: int(2, 4) }, () => {
      const s = shape.slice();
      s[axis] = int(1, 70);
      return i % 4 === 3 ? tf.cast(tf.mul(rnd(s), 100), 'int32') : rnd(s);
    });
    const e = await wasmVsCpu(() => tf.cast(tf.concat(parts, axis - (i % 2) * rank), 'float32'));
    record('Concat', e);
    assert.ok(e === 0, `${shape} axis ${axis}: ${e}`);
    tf.dispose(parts);
  }
});

test('Tile matches cpu exactly on random ranks and repeats, float32, int32 and bool', async () => {
  for (let i = 0; i < 40; i++) {
    const rank = int(1, 5);
    const shape = Array.from({ length: rank }, () => int(1, 5));
    const reps = Array.from({ length: rank }, () => (rng.int(2) ? 1 : int(1, 4)));
    const x = i % 3 === 1 ? tf.cast(tf.mul(rnd(shape), 100), 'int32') : i % 3 === 2 ? tf.greater(rnd(shape), 0) : rnd(shape);
    const e = await wasmVsCpu(() => tf.cast(tf.tile(x, reps), 'float32'));
    record('Tile', e);
    assert.ok(e === 0, `${shape} × ${reps}: ${e}`);
    x.dispose();
  }
  // The Jacobian's pattern: one image to ten copies.
  const img = rnd([1, 28, 28, 1]);
  assert.equal(await wasmVsCpu(() => tf.tile(img, [10, 1, 1, 1])), 0);
  img.dispose();
});

test('Reverse matches cpu exactly on random ranks and axis sets, float32 and int32', async () => {
  for (let i = 0; i < 30; i++) {
    const rank = int(1, 5);
    const shape = Array.from({ length: rank }, () => int(1, 5));
    const axes = shape.map((_, a) => a).filter(() => rng.int(2) === 1);
    const x = i % 2 ? tf.cast(tf.mul(rnd(shape), 100), 'int32') : rnd(shape);
    const e = await wasmVsCpu(() => tf.cast(tf.reverse(x, axes), 'float32'));
    record('Reverse', e);
    assert.ok(e === 0, `${shape} axes ${axes}: ${e}`);
    x.dispose();
  }
});

test('Unpack (tf.unstack) matches cpu exactly on random ranks and axes, float32 and int32, and its gradient', async () => {
  for (let i = 0; i < 20; i++) {
    const rank = int(1, 5);
    const shape = Array.from({ length: rank }, () => int(1, 5));
    const axis = rng.int(rank) - (i % 2 ? rank : 0); // negative axes too
    const x = i % 3 === 0 ? tf.cast(tf.mul(rnd(shape), 100), 'int32') : rnd(shape);
    const e = await wasmVsCpu(() => tf.tidy(() => tf.concat(tf.unstack(x, axis).map((t) => tf.reshape(tf.cast(t, 'float32'), [-1])))));
    record('Unpack', e);
    assert.ok(e === 0, `${shape} axis ${axis}: ${e}`);
    x.dispose();
  }
  const x = rnd([3, 4, 5]);
  const w = rnd([4, 5]);
  const e = await wasmVsCpu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.unstack(t)[1], w)))(x));
  record('Unpack', e);
  assert.ok(e === 0, `gradient: ${e}`);
  tf.dispose([x, w]);
});

test('a fixed right operand used transposed (dy·Wᵀ when inverting inputs) is transposed once, kept, and freed with it', async () => {
  await tf.setBackend('wasm');
  const be = tf.backend() as unknown as { numDataIds(): number };
  const x = rnd([10, 70]);
  const w = rnd([90, 70]);
  const [xv, wv] = [x.dataSync(), w.dataSync()];
  // x·wᵀ in float64.
  const want = new Float64Array(10 * 90);
  for (let i = 0; i < 10; i++) for (let j = 0; j < 90; j++) for (let t = 0; t < 70; t++) want[i * 90 + j] += xv[i * 70 + t] * wv[j * 70 + t];
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const ids0 = be.numDataIds();
  for (let r = 0; r < 4; r++) {
    const y = tf.matMul(x, w, false, true);
    const yv = y.dataSync() as Float32Array;
    const e = yv.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0) / scale;
    record('BatchMatMul', e);
    assert.ok(e < TOL, `call ${r + 1}: ${e}`);
    y.dispose();
    // Two calls take the swapped route; from the third on, wᵀ is kept in the heap (one data id).
    assert.equal(be.numDataIds(), ids0 + (r < 2 ? 0 : 1), `data ids after call ${r + 1}`);
  }
  w.dispose();
  assert.equal(be.numDataIds(), ids0 - 1, 'wᵀ is freed with w');
  x.dispose();
});

test('the SELU gradient (one wasm kernel) matches cpu on random shapes, large negative inputs and NaN', async () => {
  for (let i = 0; i < 6; i++) {
    const shape = [int(1, 12), int(1, 800)];
    const x = tf.mul(rnd(shape), pick([1, 3, 12]));
    const dy = rnd(shape);
    const e = await wasmVsCpu(() => tf.tidy(() => {
      const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.selu(t), dy)))([x]);
      return g;
    }));
    record('LabSeluGrad', e);
    assert.ok(e < TOL, `[${shape}]: ${e}`);
    tf.dispose([x, dy]);
  }
  await tf.setBackend('wasm');
  const ran = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.sum(tf.selu(t)))(rnd([3, 5])));
  const names = ran.kernels.map((k) => k.name);
  assert.ok(names.includes('LabSeluGrad') && !names.includes('Exp'), `kernels run: ${names}`);
  tf.dispose(ran.result as tf.Tensor);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.selu(t)))(tf.tensor1d([NaN, -1, 0, 2]));
  const v = Array.from(g.dataSync());
  assert.ok(Number.isNaN(v[0]), 'NaN in, NaN out');
  assert.ok(Math.abs(v[1] - 1.7580993 * Math.exp(-1)) < 1e-6 && Math.abs(v[2] - 1.7580993) < 1e-6 && Math.abs(v[3] - 1.0507010) < 1e-6, `${v}`);
  g.dispose();
});

test('Selu as λ·prelu(elu(x), α) matches cpu on random ranks and widths, element by element, with specials; no memory growth', async () => {
  for (let i = 0; i < 6; i++) {
    const shape = [[int(1, 800)], [int(1, 12), int(1, 800)], [int(1, 3), int(1, 9), int(1, 9), int(1, 40)]][i % 3];
    const x = tf.mul(rnd(shape), pick([1e-4, 1, 3, 40]));
    const e = await wasmVsCpu(() => tf.selu(x));
    record('Selu', e);
    assert.ok(e < TOL, `[${shape}]: ${e}`);
    x.dispose();
  }
  await tf.setBackend('wasm');
  // Element by element against float64, where the original kernel's eˣ − 1 cancelled (near 0⁻: 1.9e-4).
  const v = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, -1e-6, -0.5, -20, -100, 3];
  const got = Array.from(tf.tidy(() => tf.selu(tf.tensor2d(v, [3, 4]))).dataSync());
  const [lambda, alpha] = [1.0507009873554805, 1.6732632423543772];
  v.forEach((xi, k) => {
    const want = xi > 0 ? lambda * xi : lambda * alpha * Math.expm1(xi);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got[k]), `selu(${xi}) = ${got[k]}`);
    else assert.ok(got[k] === want || Math.abs(got[k] - want) <= 3e-7 * Math.abs(want), `selu(${xi}) = ${got[k]}, want ${want}`);
  });
  const s = tf.scalar(-1);
  assert.ok(Math.abs(tf.tidy(() => tf.selu(s)).dataSync()[0] - lambda * alpha * Math.expm1(-1)) < 1e-6, 'rank 0');
  // α and λ are kept once per width in the heap: after the first call at a width, nothing grows.
  const be = tf.backend() as unknown as { numDataIds(): number };
  const x = rnd([5, 37]);
  tf.selu(x).dispose();
  const [n0, ids0] = [tf.memory().numTensors, be.numDataIds()];
  for (let i = 0; i < 5; i++) tf.selu(x).dispose();
  assert.deepEqual([tf.memory().numTensors, be.numDataIds()], [n0, ids0]);
  tf.dispose([x, s]);
});

test('Identity (clone) shares data: each reference outlives the other, nothing leaks, gradients are unchanged', async () => {
  await tf.setBackend('wasm');
  const bytes0 = tf.memory().numBytes;
  const a = rnd([50, 40]);
  const want = Array.from(a.dataSync());
  const b = tf.clone(a);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), want, 'the clone survives the original');
  const c = tf.clone(b);
  b.dispose();
  assert.deepEqual(Array.from(c.dataSync()), want);
  c.dispose();
  assert.equal(tf.memory().numBytes, bytes0, 'freed with the last reference');
  // Ops save clones for their backward pass: a gradient through a fused matMul still matches cpu.
  const x = rnd([6, 9]);
  const w = rnd([9, 5]);
  const e = await wasmVsCpu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.relu(tf.fused.matMul({ a: t as tf.Tensor2D, b: w as tf.Tensor2D, activation: 'relu' }))))(x));
  record('Identity', e);
  assert.ok(e < TOL, `gradient through a fused matMul: ${e}`);
  tf.dispose([x, w]);
});

test('the wasm ResizeNearestNeighborGrad (kept) is the adjoint of the resize for batches > 1', async () => {
  // ⟨resize(x), dy⟩ = ⟨x, grad(dy)⟩. (The cpu kernel fails this for batch > 1 in tfjs 4.22.)
  await tf.setBackend('wasm');
  for (const [n, h, w, oh, ow] of [[3, 14, 14, 28, 28], [2, 5, 3, 9, 7]]) {
    const x = rnd([n, h, w, 2]) as tf.Tensor4D;
    const dy = rnd([n, oh, ow, 2]);
    const lhs = tf.sum(tf.mul(tf.image.resizeNearestNeighbor(x, [oh, ow]), dy)).dataSync()[0];
    const g = tf.engine().runKernel('ResizeNearestNeighborGrad', { images: x, dy }, { alignCorners: false, halfPixelCenters: false }) as tf.Tensor;
    const rhs = tf.sum(tf.mul(x, g)).dataSync()[0];
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.abs(lhs) + 1e-3, `batch ${n}: ${lhs} vs ${rhs}`);
    tf.dispose([x, dy, g]);
  }
});

test('registerWasmTrainingKernels is idempotent and the kernels leak no tensors', async () => {
  const first = registerWasmTrainingKernels();
  const fn = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  const second = registerWasmTrainingKernels();
  assert.deepEqual(second, first);
  assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, fn, 'a second call must not wrap twice');
  await tf.setBackend('wasm');
  const x = rnd([2, 9, 9, 3]) as tf.Tensor4D;
  const w = rnd([3, 3, 3, 4]) as tf.Tensor4D;
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), 2, 2, 'valid')));
  tf.dispose(g([x, w])); // warm-up (the patch filter cache is created once)
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) tf.dispose(g([x, w]));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, w]);
  console.log('max relative error vs cpu per kernel:', JSON.stringify(report, (_k, v) => (typeof v === 'number' ? Number(v.toExponential(2)) : v)));
});

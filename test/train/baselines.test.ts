import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../lib/backend/wasm/index';
import { BaselineSpec, createBaseline, trainBaseline } from '../../lib/train/baselines';
import { fromFrame } from '../../lib/plot/timelapse';
import { ValueRangeError } from '../../lib/tensor/guards';

const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'baselines-'));
before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  process.env.MNIST_LAB_CACHE = cache;
});
after(() => fs.rmSync(cache, { recursive: true, force: true }));

const common = { images: 16, epochs: 2, batchSize: 8 };
const specs: BaselineSpec[] = [
  { kind: 'rbm', ...common, lr: 0.05, k: 1, hidden: 8, gibbsSteps: 3, frameGibbsSteps: 2 },
  { kind: 'gan', ...common, lr: 1e-3, latent: 4, hidden: [8, 16], batchNorm: true },
  { kind: 'vae', ...common, lr: 1e-3, latent: 4, hidden: 16 },
  { kind: 'ddpm', ...common, lr: 1e-3, schedule: 'cosine', base: 2, T: 20, betaStart: 1e-4, betaEnd: 2e-2, gradWeight: 0.1, emaDecay: 0.9, sampleSteps: 4, frameSteps: 2 },
  // The quick profile's DDPM: the Gaussian skip's pixel statistics must travel with the checkpoint.
  { kind: 'ddpm', ...common, lr: 1e-3, adamBeta2: 0.99, gaussianSkip: true, schedule: 'linear', base: 2, T: 20, betaStart: 1e-4, betaEnd: 2e-2, gradWeight: 0.1, emaDecay: 0.9, sampleSteps: 4, frameSteps: 2 },
];

for (const spec of specs) {
  test(`${spec.kind}${spec.kind === 'ddpm' && spec.gaussianSkip ? ' (Gaussian skip)' : ''}: trains with a frame per epoch; a second model loads the checkpoint (same config hash) and samples identically; no leaks`, async () => {
    const x = tf.randomUniform([20, 28, 28, 1], 0, 1, 'float32', 3);
    const a = createBaseline(spec, 1);
    const r1 = await trainBaseline(a, x, { seed: 1, frameSeed: 2 });
    assert.equal(r1.cached, false);
    assert.equal(r1.frames.length, 2);
    assert.equal(fromFrame(r1.frames[0]).length, 25);
    Object.values(r1.losses).forEach((l) => assert.equal(l.length, 4));
    const before = tf.memory().numTensors;
    const b = createBaseline(spec, 99); // other initial weights
    const r2 = await trainBaseline(b, x, { seed: 1, frameSeed: 2 });
    assert.equal(r2.cached, true);
    assert.deepEqual(r2.losses, r1.losses);
    assert.deepEqual(r2.frames, r1.frames);
    const sa = await a.sample(3, 5, { frames: 2 });
    const sb = await b.sample(3, 5, { frames: 2 });
    assert.deepEqual(sa.images.dataSync(), sb.images.dataSync());
    assert.ok(sa.images.dataSync().every((v) => v >= 0 && v <= 1));
    if (spec.kind === 'rbm' || spec.kind === 'ddpm') assert.equal(sa.frames.length, 2);
    tf.dispose([sa.images, sb.images]);
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
    // Another configuration is another hash: it trains instead of loading.
    const c = createBaseline({ ...spec, epochs: 1 }, 1);
    assert.equal((await trainBaseline(c, x, { seed: 1, frameSeed: 2 })).cached, false);
    await assert.rejects(trainBaseline(c, x, { seed: 3, frameSeed: 2 }).then(() => trainBaseline(createBaseline({ ...spec, images: 50 }, 1), x, { seed: 1, frameSeed: 2 })), (e: Error) => e instanceof ValueRangeError && /50 training images/.test(e.message));
    c.dispose();
    a.dispose();
    x.dispose();
  });
}

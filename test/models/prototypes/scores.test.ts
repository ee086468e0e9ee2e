import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { invert } from '../../../lib/inverters/gradient';
import { l2Prior, tvPrior } from '../../../lib/inverters/priors';
import { createCnn } from '../../../lib/models/cnn';
import { createBusemannModel } from '../../../lib/models/prototypes/busemann';
import { circlePrototypes, createHypersphereModel } from '../../../lib/models/prototypes/hypersphere';
import { prototypeLoss } from '../../../lib/models/prototypes/scores';

test('prototypeLoss on a hand case: minus the target-weighted scores, batch mean', () => {
  const s = tf.tensor2d([[-0.5, -2], [-1, -0.25]]);
  const t = tf.tensor2d([[1, 0], [0.5, 0.5]]);
  const l = prototypeLoss(s, t);
  assert.ok(Math.abs(l.dataSync()[0] - (0.5 + 0.625) / 2) < 1e-6);
  tf.dispose([s, t, l]);
});

/** Tensors left behind by one invert() call (after a warm-up call). */
async function leaked(o: Omit<Parameters<typeof invert>[0], 'x0' | 'targets' | 'steps' | 'optimizer'>, x0: tf.Tensor4D) {
  const run = () => invert({ ...o, x0, targets: Int32Array.from([3, 8]), steps: 15, optimizer: { name: 'adam', lr: 0.05 }, priors: [tvPrior(0.003), l2Prior(0.001)], label: 'test' });
  (await run()).images.dispose(); // warm-up: first gradients may create lasting tensors inside tfjs
  const before = tf.memory().numTensors;
  const r = await run();
  r.images.dispose();
  return { n: tf.memory().numTensors - before, r };
}

test('inverting prototype networks lowers the prototype loss and leaks nothing beyond invert() itself', async () => {
  const x0 = tf.randomNormal([2, 28, 28, 1], 0.5, 0.2, 'float32', 3) as tf.Tensor4D;
  // The baseline: a plain logits CNN with cross-entropy. (tfjs 4.22's tf.variable(t) leaves t
  // counted, so invert() may leave one tensor per call until it disposes its start copy.)
  const cnn = createCnn({ seed: 1, filters: [4, 8], hidden: 16 });
  const base = (await leaked({ net: cnn }, x0)).n;
  cnn.dispose();
  assert.ok(base <= 1, `invert() itself leaks ${base} tensors per call`);
  for (const m of [
    createHypersphereModel({ prototypes: circlePrototypes(10), seed: 1 }),
    createBusemannModel({ prototypes: circlePrototypes(10), seed: 1 }),
  ]) {
    const { n, r } = await leaked({ net: m.classifier, loss: prototypeLoss }, x0);
    assert.equal(n, base, `${m.kind}: ${n} tensors left per inversion, plain CNN ${base}`);
    assert.ok(r.losses[r.losses.length - 1] < r.losses[0], `${m.kind}: loss ${r.losses[0]} → ${r.losses[r.losses.length - 1]}`);
    assert.ok(r.targetProb[r.targetProb.length - 1] > r.targetProb[0]);
    m.dispose();
  }
  x0.dispose();
});

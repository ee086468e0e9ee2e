import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fitPrototypeRun, PrototypeNets } from '../../../lib/models/prototypes/fit';
import { ValueRangeError } from '../../../lib/tensor/guards';
import { placeFor, PrototypeRun } from '../../../lib/models/prototypes/runs';
import { predictPrototype } from '../../../lib/models/prototypes/train';
import { classificationReport } from '../../../lib/eval/classification';
import { prototypeTableRow } from '../../../lib/eval/prototype-report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-fit-'));
before(async () => {
  await tf.setBackend('cpu');
  process.env.MNIST_LAB_CACHE = tmp;
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('fitPrototypeRun trains a run on its placed prototypes (cached the second time); prototypeTableRow reports it in %', async () => {
  const n = 40;
  const data = { images: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D, labels: Int32Array.from({ length: n }, (_, i) => i % 10), n };
  const r: PrototypeRun = { kind: 'sphere', dims: 2, placementSteps: 10, seed: 3, cnn: { filters: [2, 2], hidden: 4 },
    training: { epochs: 1, batchSize: 20, optimizer: { name: 'adam', lr: 1e-3 }, seed: 3 }, data: { limit: n, seed: 3 } };
  const placed = placeFor(2, 10, 3);
  const a = await fitPrototypeRun(r, placed, data);
  const b = await fitPrototypeRun(r, placed, data);
  assert.deepEqual(Array.from(b.net.getWeights()[0].dataSync()), Array.from(a.net.getWeights()[0].dataSync()), 'the cache gives the same weights');
  const row = prototypeTableRow(a, data, 2, [1, 2, 3]);
  const rep = classificationReport(data.labels, predictPrototype(a, data.images));
  assert.equal(row.manifold, '2D');
  assert.equal(row['F1 %'], +(100 * rep.f1).toFixed(1));
  assert.deepEqual([row['paper precision %'], row['paper recall %'], row['paper F1 %']], [1, 2, 3]);
  // PrototypeNets: the same run by name, refitting replaces (no leak), unknown names and dimensions fail naming the fix.
  const nets = new PrototypeNets([placed], data);
  await nets.fit([r]);
  assert.deepEqual(Array.from(nets.get('sphere 2D').net.getWeights()[0].dataSync()), Array.from(b.net.getWeights()[0].dataSync()));
  const live = tf.memory().numTensors;
  await nets.fit([r]);
  assert.equal(tf.memory().numTensors, live);
  assert.throws(() => nets.get('sphere 3D'), (e: Error) => e instanceof ValueRangeError && /have: sphere 2D/.test(e.message));
  await assert.rejects(nets.fit([{ ...r, dims: 5 }]), (e: Error) => e instanceof ValueRangeError && /placeFor\(5/.test(e.message));
  nets.dispose();
  [a, b].forEach((m) => m.dispose());
  placed.prototypes.dispose();
  data.images.dispose();
});

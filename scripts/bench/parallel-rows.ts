/**
 * The wasm×2 column: the rows of rows.ts with each batch's rows split over two threads
 * (lib/backend/parallel: ParallelNet, a replica of the net in a worker thread).
 */
import * as tf from '@tensorflow/tfjs';
import { NetBuild, parallelNet } from '../../lib/backend/parallel/parallel-net';
import { createCnn } from '../../lib/models/cnn';
import { Net } from '../../lib/models/net';
import { CNN_BUILD } from './models';
import { INFER_BATCH, TRAIN_BATCH } from './options';
import { boxes, rate } from './rate';
import { randomBatch } from './rows';

/** trainRate with the batch's rows split over two threads (ParallelNet.trainStep). */
export async function parallelTrainRate(make: () => Net, build: NetBuild): Promise<number> {
  const net = make();
  const pn = await parallelNet(net, build, { threads: 2 });
  const { x, y } = randomBatch(TRAIN_BATCH, 1);
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => { pn.trainStep(opt, x, y, { kind: 'softmaxCrossEntropy' }); });
  const r = rate(step, boxes('wasm', 'train')) * TRAIN_BATCH;
  await pn.dispose();
  opt.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return r;
}

export async function parallelInferRate(make: () => Net, build: NetBuild): Promise<number> {
  const net = make();
  const pn = await parallelNet(net, build, { threads: 2 });
  const { x, y } = randomBatch(INFER_BATCH, 2);
  const step = () => { tf.tidy(() => { pn.predict(x).dataSync(); }); };
  const r = rate(step, boxes('wasm', 'infer')) * INFER_BATCH;
  await pn.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return r;
}

/** inversionRate with 5 of the 10 images' gradients computed in a second thread. */
export async function parallelInversionRate(): Promise<number> {
  const net = createCnn({ seed: 3 });
  const pn = await parallelNet(net, CNN_BUILD, { threads: 2 });
  const x = tf.variable(tf.randomUniform([10, 28, 28, 1], 0, 1, 'float32', 4), true, 'bench_inversion_x2');
  const target = tf.oneHot(tf.range(0, 10, 1, 'int32'), 10).toFloat();
  const opt = tf.train.adam(0.05);
  const step = () => tf.tidy(() => {
    const { grad } = pn.inputGradients(x, target, { kind: 'softmaxCrossEntropy', tv: 0.01 });
    opt.applyGradients([{ name: x.name, tensor: grad }]);
  });
  const r = rate(step, boxes('wasm', 'loop'));
  await pn.dispose();
  opt.dispose();
  net.dispose();
  tf.dispose([x, target]);
  return r;
}

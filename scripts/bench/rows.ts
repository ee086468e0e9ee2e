/**
 * The rows measured on one thread: training and inference of a net, the CE + TV inversion step, and
 * the DDPM UNet's two rows. Each returns images (or steps) per second of wall-clock time.
 */
import * as tf from '@tensorflow/tfjs';
import { tvPrior } from '../../lib/inverters/priors';
import { createCnn } from '../../lib/models/cnn';
import { TimeNet } from '../../lib/models/generative/unet';
import { Net } from '../../lib/models/net';
import { CPU_TRAIN_BATCH, INFER_BATCH, TRAIN_BATCH } from './options';
import { boxes, rate } from './rate';

export function randomBatch(n: number, seed: number) {
  return tf.tidy(() => ({
    x: tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', seed + 1), 10).toFloat(),
  }));
}

export const ce = (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;

/** The project's TV prior (thesis eq. 2.5, gradient written out): what the notebooks' inversions run. */
const tv = (x: tf.Tensor4D): tf.Scalar => tvPrior(1).term(x);

export function trainRate(backend: string, make: () => Net): number {
  const net = make();
  const batch = backend === 'cpu' ? CPU_TRAIN_BATCH : TRAIN_BATCH;
  const { x, y } = randomBatch(batch, 1);
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => { opt.minimize(() => ce(y, net.apply(x, true)), false, net.trainableVars()); });
  const r = rate(step, boxes(backend, 'train')) * batch;
  opt.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return r;
}

export function inferRate(backend: string, make: () => Net, batch = INFER_BATCH): number {
  const net = make();
  const { x, y } = randomBatch(batch, 2);
  // Read the logits (forces completion on async backends) but return nothing from tidy: returning a
  // TypedArray from tf.tidy makes it walk every element.
  const step = () => { tf.tidy(() => { net.apply(x).dataSync(); }); };
  const r = rate(step, boxes(backend, 'infer')) * batch;
  net.dispose();
  tf.dispose([x, y]);
  return r;
}

/** Gradient inversion step: x ← Adam(x, ∇x [CE(net(x), target) + λ TV(x)]), 10 images through the CNN. */
export function inversionRate(backend: string): number {
  const net = createCnn({ seed: 3 });
  const x = tf.variable(tf.randomUniform([10, 28, 28, 1], 0, 1, 'float32', 4), true, 'bench_inversion_x');
  const target = tf.oneHot(tf.range(0, 10, 1, 'int32'), 10).toFloat();
  const opt = tf.train.adam(0.05);
  const step = () => tf.tidy(() => {
    opt.minimize(() => tf.add(ce(target, net.apply(x)), tf.mul(tv(x as unknown as tf.Tensor4D), 0.01)) as tf.Scalar, false, [x]);
  });
  const r = rate(step, boxes(backend, 'loop'));
  opt.dispose();
  net.dispose();
  tf.dispose([x, target]);
  return r;
}

/** DDPM training step: ‖ε − ε̂(x_t, t)‖² with x_t, t, ε fixed random tensors (the cost is the same). */
export function unetTrainRate(backend: string, make: () => TimeNet): number {
  const net = make();
  const batch = backend === 'cpu' ? CPU_TRAIN_BATCH : TRAIN_BATCH;
  const xt = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 21) as tf.Tensor4D;
  const eps = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 22);
  const t = tf.randomUniform([batch], 0, 1000, 'float32', 23) as tf.Tensor1D;
  const opt = tf.train.adam(1e-3);
  const step = () => tf.tidy(() => { opt.minimize(() => tf.mean(tf.square(tf.sub(eps, net.apply(xt, t)))) as tf.Scalar, false, net.trainableVars()); });
  const r = rate(step, boxes(backend, 'train')) * batch;
  opt.dispose();
  net.dispose();
  tf.dispose([xt, eps, t]);
  return r;
}

export function unetInferRate(backend: string, make: () => TimeNet, batch: number): number {
  const net = make();
  const xt = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 24) as tf.Tensor4D;
  const t = tf.randomUniform([batch], 0, 1000, 'float32', 25) as tf.Tensor1D;
  const step = () => { tf.tidy(() => { net.apply(xt, t).dataSync(); }); };
  const r = rate(step, boxes(backend, 'infer')) * batch;
  net.dispose();
  tf.dispose([xt, t]);
  return r;
}

import * as tf from '@tensorflow/tfjs';
import { progressBar } from '../plot/progress';
import { makeRng } from '../tensor/rng';
import { ValueRangeError } from '../tensor/guards';

export interface TrainOptions {
  /** What the optimiser updates (net.trainableVars()). Needed unless `step` is given. */
  vars?: tf.Variable[];
  /** Loss of one batch; runs inside tf.tidy under the optimiser's gradient tape. Needed unless `step` is given. */
  loss?: (xb: tf.Tensor, yb: tf.Tensor) => tf.Scalar;
  optimizer?: tf.Optimizer;
  /**
   * A whole update in place of optimizer.minimize(loss), for models that are not one loss with one
   * optimiser: a GAN (two optimisers), an RBM (contrastive divergence, no gradient). Runs inside
   * tf.tidy with the batch and returns the step's losses; the first is the one in `losses`, the
   * progress bar and the NaN check covers all, and every one is kept in `parts`.
   */
  step?: (xb: tf.Tensor, yb: tf.Tensor) => tf.Scalar[];
  /** Names of the losses `step` returns, for the progress bar (e.g. ['D', 'G']). */
  partNames?: string[];
  /** Inputs; the first axis indexes examples. */
  x: tf.Tensor;
  /** Targets, one per input; omitted for unsupervised models (the loss then gets the inputs again). */
  y?: tf.Tensor;
  epochs: number;
  batchSize: number;
  seed: number;
  label?: string;
  /** Called after each epoch (e.g. to take a snapshot for a time-lapse). */
  onEpoch?: (epoch: number, meanLoss: number) => void | Promise<void>;
  /** Called after each step with the step's loss (e.g. to update an EMA of the weights). */
  onStep?: (step: number, loss: number) => void;
}

export interface TrainResult {
  /** Loss of every step. */
  losses: number[];
  /** Mean loss of every epoch. */
  epochLosses: number[];
  /** With `step`: every returned loss, per step (parts[k][i] is loss k of step i). */
  parts?: number[][];
  seconds: number;
  imagesPerSecond: number;
}

const yieldToKernel = () => new Promise<void>((r) => setImmediate(r));

/**
 * The one training loop of lib: seeded shuffles, mini-batches, a progress bar with rate and ETA,
 * every step tidied. A non-finite loss stops it with an error naming the step.
 */
export async function trainLoop(o: TrainOptions): Promise<TrainResult> {
  const n = o.x.shape[0];
  if (o.y && o.y.shape[0] !== n) throw new Error(`x has ${n} examples but y has ${o.y.shape[0]}; give one target per input.`);
  if (!(o.batchSize > 0 && o.epochs >= 0)) throw new Error(`batchSize ${o.batchSize} / epochs ${o.epochs} must be positive; fix the config.`);
  if (!o.step && !(o.loss && o.optimizer && o.vars)) throw new Error(`${o.label ?? 'training'}: give either loss + optimizer + vars, or a step function.`);
  const { loss: lossFn, optimizer, vars } = o;
  const step = o.step ?? ((xb: tf.Tensor, yb: tf.Tensor) => [optimizer!.minimize(() => lossFn!(xb, yb), true, vars) as tf.Scalar]);
  const parts: number[][] = [];
  const name = (k: number) => o.partNames?.[k] ?? (k === 0 ? 'loss' : `loss ${k + 1}`);
  const rng = makeRng(o.seed);
  const perEpoch = Math.ceil(n / o.batchSize);
  const bar = progressBar(perEpoch * o.epochs, o.label ?? 'training');
  const losses: number[] = [];
  const epochLosses: number[] = [];
  const start = Date.now();
  let lastYield = start;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    rng.shuffle(order);
    let sum = 0;
    for (let b = 0; b < perEpoch; b++) {
      const idx = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
      const lossT = tf.tidy(() => {
        const it = tf.tensor1d(idx, 'int32');
        const xb = tf.gather(o.x, it);
        const yb = o.y ? tf.gather(o.y, it) : xb;
        const ls = step(xb, yb);
        return ls.length === 1 ? ls[0] : tf.stack(ls); // one read-back per step
      });
      const values = Array.from(lossT.dataSync());
      lossT.dispose();
      values.forEach((v, k) => {
        if (!Number.isFinite(v)) {
          throw new ValueRangeError(`${o.label ?? 'training'}: ${o.partNames?.[k] ? `${o.partNames[k]} ` : ''}loss became ${v} at epoch ${epoch + 1}, step ${b + 1}; lower the learning rate or check the inputs for NaN.`);
        }
        (parts[k] ??= []).push(v);
      });
      const loss = values[0];
      losses.push(loss);
      sum += loss;
      o.onStep?.(losses.length, loss);
      bar.tick(1, `epoch ${epoch + 1}/${o.epochs} · ${values.map((v, k) => `${name(k)} ${v.toFixed(4)}`).join(' · ')}`);
      // Let the kernel send the progress bar: a synchronous loop would hold every message back.
      if (Date.now() - lastYield > 250) {
        await yieldToKernel();
        lastYield = Date.now();
      }
    }
    epochLosses.push(sum / perEpoch);
    await o.onEpoch?.(epoch + 1, sum / perEpoch);
  }
  const seconds = (Date.now() - start) / 1000;
  bar.done(`final loss ${losses.length ? losses[losses.length - 1].toFixed(4) : '-'}`);
  return { losses, epochLosses, ...(o.step ? { parts } : {}), seconds, imagesPerSecond: (n * o.epochs) / Math.max(seconds, 1e-9) };
}

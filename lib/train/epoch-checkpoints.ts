import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/mnist';
import { accuracy } from '../eval/predict';
import { Net } from '../models/net';
import { ValueRangeError } from '../tensor/guards';
import { ClassifierTraining, trainClassifier } from './classifier';

/** A classifier's weights after `epoch` epochs and its test accuracy. */
export interface EpochCheckpoint {
  epoch: number;
  weights: tf.Tensor[];
  testAccuracy: number;
  /** Training seconds of the segment that ended here (0 when loaded from the cache). */
  seconds: number;
  cached: boolean;
}

/**
 * One classifier trained once, with its weights kept after each of `epochs` (e.g. [1, 2, 5, 10, 20]),
 * for paper 004 sec. 5.6. Each segment (previous checkpoint → next) is a cached trainClassifier call
 * whose key names the checkpoint it resumes from; the optimiser state (Adam moments) restarts at each
 * checkpoint, the weights do not. The caller disposes each checkpoint's weights (disposeCheckpoints).
 */
export async function trainEpochCheckpoints(net: Net, modelKey: object, train: Dataset, test: Dataset, cfg: Omit<ClassifierTraining, 'epochs'>, epochs: number[]): Promise<EpochCheckpoint[]> {
  if (!epochs.every((e, i) => Number.isInteger(e) && e > 0 && (i === 0 || e > epochs[i - 1]))) {
    throw new ValueRangeError(`checkpoint epochs [${epochs}] must be increasing whole numbers ≥ 1, e.g. [1, 2, 5, 10, 20].`);
  }
  const out: EpochCheckpoint[] = [];
  let done = 0;
  for (const e of epochs) {
    const key = { ...modelKey, resumedFromEpoch: done };
    const r = await trainClassifier(net, key, train, { ...cfg, epochs: e - done, seed: cfg.seed + done }, `${net.name} epochs ${done + 1}–${e}`);
    out.push({ epoch: e, weights: net.getWeights().map((w) => w.clone()), testAccuracy: accuracy(net, test.images, test.labels), seconds: r.cached ? 0 : r.seconds, cached: r.cached });
    done = e;
  }
  return out;
}

/** Load a checkpoint's weights into a net of the same architecture. */
export function loadCheckpoint(net: Net, c: EpochCheckpoint): Net {
  net.setWeights(c.weights);
  return net;
}

export const disposeCheckpoints = (cs: EpochCheckpoint[]): void => cs.forEach((c) => tf.dispose(c.weights));

import * as tf from '@tensorflow/tfjs';
import { Dataset, oneHot } from '../data/mnist';
import { Net } from '../models/net';
import { cachedWeights } from './cache';
import { trainLoop } from './loop';
import { makeOptimizer, OptimizerConfig } from './optimizers';

export interface ClassifierTraining {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  seed: number;
}

export interface ClassifierReport {
  epochLosses: number[];
  /** Loss per step, thinned to at most 500 points (for curves). */
  stepLosses: number[];
  seconds: number;
  imagesPerSecond: number;
}

/** Mean softmax cross-entropy of logits against one-hot (or soft) labels. */
export const crossEntropy = (logits: tf.Tensor, targets: tf.Tensor): tf.Scalar => tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;

/** Every k-th value, so a curve of 10,000 steps stays a few kB in the cache. */
export function thin(values: number[], most: number): number[] {
  const k = Math.max(1, Math.ceil(values.length / most));
  return values.filter((_, i) => i % k === 0);
}

/**
 * Train a classifier that returns logits with cross-entropy, cached by (model config, training
 * config, data size): a second run loads the weights. `modelKey` must describe the architecture.
 */
export async function trainClassifier(net: Net, modelKey: unknown, data: Dataset, cfg: ClassifierTraining, label = net.name): Promise<ClassifierReport & { cached: boolean }> {
  const y = oneHot(data.labels);
  try {
    return await trainSupervised(net, { kind: 'classifier', model: modelKey, training: cfg, data: { n: data.n } }, data.images, y, cfg, label, crossEntropy);
  } finally {
    y.dispose();
  }
}

/**
 * The body of trainClassifier for any targets (one-hot or soft labels, e.g. VAE mixtures) and any
 * loss of (outputs, targets), e.g. a prototype network's; `key` is the whole cache key (it must
 * describe model, training and data).
 */
export async function trainSupervised(
  net: Net,
  key: unknown,
  x: tf.Tensor,
  y: tf.Tensor,
  cfg: ClassifierTraining,
  label: string,
  loss: (outputs: tf.Tensor, targets: tf.Tensor) => tf.Scalar,
): Promise<ClassifierReport & { cached: boolean }> {
  const { meta, cached } = await cachedWeights(key, net, async () => {
    const optimizer = makeOptimizer(cfg.optimizer);
    try {
      const r = await trainLoop({
        vars: net.trainableVars(),
        loss: (xb, yb) => loss(net.apply(xb, true), yb),
        optimizer,
        x,
        y,
        epochs: cfg.epochs,
        batchSize: cfg.batchSize,
        seed: cfg.seed,
        label,
      });
      return { epochLosses: r.epochLosses, stepLosses: thin(r.losses, 500), seconds: r.seconds, imagesPerSecond: r.imagesPerSecond };
    } finally {
      optimizer.dispose();
    }
  });
  return { ...meta, cached };
}

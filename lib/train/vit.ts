import * as tf from '@tensorflow/tfjs';
import { Dataset, loadMnist, oneHot } from '../data/mnist';
import { accuracy } from '../eval/predict';
import { createVit, VitOptions } from '../models/vit';
import { Net } from '../models/net';
import { AdamW, AdamWConfig } from './adamw';
import { cachedWeights } from './cache';
import { crossEntropy } from './classifier';
import { WeightEma } from './ema';
import { trainLoop } from './loop';
import { trainRuns } from './runs';

/** The ViT recipe of paper 001 (DeiT-style): AdamW, batch 32, an EMA of the weights with a warm-up. */
export interface VitTraining {
  arch: Omit<VitOptions, 'seed'>;
  trainImages: number;
  epochs: number;
  batchSize: number;
  adamw: AdamWConfig;
  /** θ̄ ← d θ̄ + (1 − d) θ after every step, d ramping up over `warmup` steps. */
  ema: { decay: number; warmup: number };
  seed: number;
}

export interface VitReport {
  seconds: number;
  /** Test accuracy of the raw weights, before the EMA weights replace them. */
  rawAccuracy: number;
  steps: number;
}

/**
 * Train on the first `trainImages` of `train`, cached (key: the whole recipe). The net keeps, and
 * the cache stores, the EMA weights — what the paper evaluates and what we invert.
 */
export async function trainVit(vit: Net, train: Dataset, test: Dataset, cfg: VitTraining): Promise<{ meta: VitReport; cached: boolean }> {
  return cachedWeights({ kind: 'vit-adamw-ema', ...cfg }, vit, async () => {
    const x = train.images.slice(0, cfg.trainImages);
    const y = oneHot(train.labels.slice(0, cfg.trainImages));
    const optimizer = new AdamW(cfg.adamw);
    const ema = new WeightEma(vit.trainableVars(), cfg.ema.decay, cfg.ema.warmup);
    try {
      const r = await trainLoop({ vars: vit.trainableVars(), loss: (xb, yb) => crossEntropy(vit.apply(xb, true), yb), optimizer, x, y,
        epochs: cfg.epochs, batchSize: cfg.batchSize, seed: cfg.seed, label: 'ViT', onStep: () => ema.update() });
      const rawAccuracy = accuracy(vit, test.images, test.labels);
      ema.copyToVars();
      return { seconds: r.seconds, rawAccuracy, steps: r.losses.length };
    } finally {
      tf.dispose([x, y]);
      optimizer.dispose();
      ema.dispose();
    }
  });
}

/** Background job (lib/train/background.ts): ViTs into the model cache. `data`: the training images' loadMnist options. */
export const trainVitRuns = (runs: { cfg: VitTraining; data: { limit: number; seed: number } }[]): Promise<void> => {
  let test: Dataset | null = null;
  return trainRuns(runs, (r) => createVit({ ...r.cfg.arch, seed: r.cfg.seed }), async (vit, data, r) => {
    test ??= loadMnist('test');
    return trainVit(vit, data, test, r.cfg);
  }).finally(() => test?.images.dispose());
};

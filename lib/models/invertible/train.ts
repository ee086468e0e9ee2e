import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { Dataset } from '../../data/mnist';
import { cachedWeights, cacheDir, configHash, loadCheckpoint, saveCheckpoint } from '../../train/cache';
import { thin } from '../../train/classifier';
import { trainLoop } from '../../train/loop';
import { makeOptimizer, OptimizerConfig } from '../../train/optimizers';
import { makeRng } from '../../tensor/rng';
import { InputTransform, RAW_PIXELS, toNetworkInput } from './input';
import { dataInit } from './data-init';
import { trackLogDets } from './logdet';
import { InvertibleLoss, invertibleLoss } from './losses';
import { InvertibleMlp } from './mlp';

export interface InvertibleTraining {
  loss: InvertibleLoss;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  seed: number;
  /** Epochs after which the weights are kept (the slides' 10/50/100/500), the last = epochs. */
  checkpoints: number[];
  /** What the net sees of an image (input.ts): raw pixels (default, the slides) or dequantised + logit (a flow's input). */
  input?: InputTransform;
  /** Start from Glow's data-dependent ActNorm-style initialisation (data-init.ts) on the training inputs. */
  dataInit?: boolean;
}

export interface InvertibleReport {
  epochLosses: number[];
  /** Loss per step, thinned to ≤ 500 points. */
  stepLosses: number[];
  seconds: number;
  cached: boolean;
}

const keyOf = (net: InvertibleMlp, data: Dataset, cfg: InvertibleTraining, epoch: number) => ({
  kind: 'invertible-mlp',
  model: { blocks: net.options.blocks, slope: net.options.slope, seed: net.options.seed, init: net.options.init ?? 'orthogonal', ...(net.options.prior === 'learned' ? { prior: 'learned' } : {}) },
  data: { n: data.n },
  training: cfg,
  // The flow loss's log|det W| is tracked by Newton–Schulz steps (logdet.ts), not an LU per step.
  ...(cfg.loss === 'flow' ? { logDet: 'tracked' } : {}),
  epoch,
});

/**
 * Train with the one loop (the loss closure gets the labels a as floats), cached: the final
 * weights through cachedWeights, and the weights at every checkpoint epoch in the same cache
 * folder, so `loadInvertibleCheckpoint` can show the net as it was after 1, 5, 10 … epochs.
 */
export async function trainInvertible(net: InvertibleMlp, data: Dataset, cfg: InvertibleTraining, label = `${net.name} · ${cfg.loss}`): Promise<InvertibleReport> {
  const bad = cfg.checkpoints.find((e) => !(Number.isInteger(e) && e >= 1 && e <= cfg.epochs));
  if (bad !== undefined) throw new RangeError(`checkpoint epoch ${bad} is outside 1..${cfg.epochs}; list epochs the training reaches.`);
  const { meta, cached } = await cachedWeights(keyOf(net, data, cfg, cfg.epochs), net, async () => {
    const labels = tf.tensor1d(Float32Array.from(data.labels));
    const optimizer = makeOptimizer(cfg.optimizer);
    const input = cfg.input ?? RAW_PIXELS;
    const raw = !input.dequantize && input.logitLambda === null;
    // The flow loss follows log|det W| and W⁻¹ from step to step (two products per W) instead of an LU per step.
    const noise = makeRng(cfg.seed + 7919);
    if (cfg.dataInit) {
      const xin = toNetworkInput(data.images, input, noise.seed());
      try {
        dataInit(net, xin, data.labels);
      } finally {
        xin.dispose();
      }
    }
    const logDet = cfg.loss === 'flow' ? trackLogDets(net.weights) : undefined;
    try {
      const r = await trainLoop({
        vars: net.trainableVars(),
        loss: (xb, yb) => {
          if (raw) return invertibleLoss(cfg.loss, net, xb, yb, logDet);
          const xin = toNetworkInput(xb, input, noise.seed()); // fresh dequantisation noise every step
          return invertibleLoss(cfg.loss, net, xin, yb, logDet);
        },
        onStep: logDet ? () => logDet.refresh() : undefined,
        optimizer,
        x: data.images,
        y: labels,
        epochs: cfg.epochs,
        batchSize: cfg.batchSize,
        seed: cfg.seed,
        label,
        onEpoch: (epoch) => {
          if (epoch < cfg.epochs && cfg.checkpoints.includes(epoch)) {
            const key = keyOf(net, data, cfg, epoch);
            saveCheckpoint(path.join(cacheDir(), configHash(key)), key, net, { epoch });
          }
        },
      });
      return { epochLosses: r.epochLosses, stepLosses: thin(r.losses, 500), seconds: r.seconds };
    } finally {
      labels.dispose();
      optimizer.dispose();
      logDet?.dispose();
    }
  });
  return { ...meta, cached };
}

/** Load the weights a `trainInvertible` run kept after `epoch` epochs into `net` (0 = the initial weights). */
export function loadInvertibleCheckpoint(net: InvertibleMlp, data: Dataset, cfg: InvertibleTraining, epoch: number): void {
  if (epoch === 0) return;
  const key = keyOf(net, data, cfg, epoch);
  const dir = path.join(cacheDir(), configHash(key));
  if (loadCheckpoint(dir, key, net) === null) {
    throw new Error(`no checkpoint of ${net.name} (${cfg.loss}) after ${epoch} epochs in ${dir}; list ${epoch} in cfg.checkpoints and train again (MNIST_LAB_NO_CACHE=1 forces it).`);
  }
}

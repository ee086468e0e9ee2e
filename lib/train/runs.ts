import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/select';
import { Dataset, loadMnist } from '../data/mnist';
import { CnnOptions, createCnn } from '../models/cnn';
import { createVae, VaeOptions } from '../models/generative/vae';
import { ClassifierTraining, trainClassifier } from './classifier';
import { FgsmOptions, trainFgsmClassifier } from './fgsm';
import { trainVae } from './vae';

/**
 * Trainings as plain data, for background jobs (lib/train/background.ts): the job trains into the
 * model cache; the notebook cell that makes the same call with the same settings then loads it.
 */
export interface FgsmRun {
  cnn: CnnOptions;
  /** The cache key's model part, as the cell passes it to trainFgsmClassifier. */
  modelKey: unknown;
  data: { limit: number; seed: number };
  training: ClassifierTraining & FgsmOptions;
}

/** One recipe (optimiser, epochs, …) trained from one seed: a recipe over k seeds is k runs. */
export interface ClassifierRun {
  /** The recipe's name ("SGD"), for the notebook's table. */
  label: string;
  cnn: CnnOptions;
  /** The cache key's model part, as the cell passes it to trainClassifier. */
  modelKey: unknown;
  data: { limit: number; seed: number };
  training: ClassifierTraining;
}

export interface VaeRun {
  vae: VaeOptions;
  /** The cache key, as the cell passes it to trainVae. */
  key: unknown;
  data: { limit: number; seed: number };
  training: { epochs: number; lr: number; batchSize: number; seed: number };
}

/**
 * The shape of every background job: the backend, then per run its training images
 * (loadMnist('train', run.data)), a model, and the cached trainer that fills the cache.
 */
export async function trainRuns<R extends { data: { limit: number; seed: number } }, M extends { dispose(): void }>(
  runs: R[], make: (r: R) => M, train: (model: M, data: Dataset, r: R) => Promise<unknown>,
): Promise<void> {
  await initBackend();
  for (const r of runs) {
    const data = loadMnist('train', r.data);
    const model = make(r);
    try {
      await train(model, data, r);
    } finally {
      model.dispose();
      tf.dispose(data.images);
    }
  }
}

/** Background job: FGSM-trained CNNs (eq. 3.2) into the cache. */
export const trainFgsmRuns = (runs: FgsmRun[]): Promise<void> =>
  trainRuns(runs, (r) => createCnn(r.cnn), (net, data, r) => trainFgsmClassifier(net, r.modelKey, data, r.training));

/** Background job: plain cross-entropy classifiers into the cache. */
export const trainClassifierRuns = (runs: ClassifierRun[]): Promise<void> =>
  trainRuns(runs, (r) => createCnn(r.cnn), (net, data, r) => trainClassifier(net, r.modelKey, data, r.training));

/** Background job: VAEs into the cache. */
export const trainVaeRuns = (runs: VaeRun[]): Promise<void> =>
  trainRuns(runs, (r) => createVae(r.vae), (vae, data, r) => trainVae(vae, r.key, data.images, r.training));

import { trainRuns } from '../../train/runs';
import { createInvertibleMlp, InvertibleMlpOptions } from './mlp';
import { InvertibleTraining, trainInvertible } from './train';

/** What one run of `trainInvertible` needs, as plain data (a background job's arguments). */
export interface InvertibleRun {
  net: InvertibleMlpOptions;
  /** The training images: loadMnist('train', { limit, seed }). */
  data: { limit: number; seed: number };
  training: InvertibleTraining;
}

/**
 * Background job (lib/train/background.ts): train these nets into the model cache, so that the
 * notebook's own `trainInvertible` calls with the same settings load them instead of training.
 */
export const trainInvertibleRuns = (runs: InvertibleRun[]): Promise<void> =>
  trainRuns(runs, (r) => createInvertibleMlp(r.net), (net, data, r) => trainInvertible(net, data, r.training));

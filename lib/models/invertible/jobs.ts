import { initBackend } from '../../backend/select';
import { loadMnist } from '../../data/mnist';
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
export async function trainInvertibleRuns(runs: InvertibleRun[]): Promise<void> {
  await initBackend();
  for (const r of runs) {
    const data = loadMnist('train', r.data);
    const net = createInvertibleMlp(r.net);
    try {
      await trainInvertible(net, data, r.training);
    } finally {
      net.dispose();
      data.images.dispose();
    }
  }
}

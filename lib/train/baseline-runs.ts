import { BaselineSpec, createBaseline, trainBaseline } from './baselines';
import { trainRuns } from './runs';

/** One generative baseline's training as plain data (notebook 05's fitBaseline call with the same settings). */
export interface BaselineRunSpec {
  spec: BaselineSpec;
  seed: number;
  frameSeed: number;
  /** Training images: loadMnist('train', { limit, seed }); the baseline trains on the first spec.images. */
  data: { limit: number; seed: number };
}

/**
 * Background job (lib/train/background.ts): train baselines into the model cache — weights,
 * losses and the time-lapse frames — so that the notebook's trainBaseline calls load them.
 */
export const trainBaselineRuns = (runs: BaselineRunSpec[]): Promise<void> =>
  trainRuns(runs, (r) => createBaseline(r.spec, r.seed), (b, data, r) => trainBaseline(b, data.images, { seed: r.seed, frameSeed: r.frameSeed }));

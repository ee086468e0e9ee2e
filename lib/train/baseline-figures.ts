import * as tf from '@tensorflow/tfjs';
import { firstFinalFigure, timelapseGif } from '../plot/timelapse';
import { Baseline, BaselineRun, trainBaseline, TrainBaselineOptions } from './baselines';

/**
 * Train (or load) a baseline, then save its first/final sample grid (`05-${slug}-first-final`) and
 * its time-lapse GIF (`05-${slug}-timelapse`). `summary` says whether it trained or loaded, and how long training took.
 */
export async function fitBaseline(b: Baseline, train: tf.Tensor, o: TrainBaselineOptions, slug: string): Promise<BaselineRun & { summary: string }> {
  const run = await trainBaseline(b, train, o);
  firstFinalFigure(`05-${slug}-first-final`, run.frames, b.name);
  timelapseGif(`05-${slug}-timelapse`, run.frames, b.name);
  const minutes = `${(run.seconds / 60).toFixed(2)} min`;
  return { ...run, summary: `${b.name}: ${run.cached ? `loaded from the cache (trained in ${minutes})` : `trained in ${minutes}`}` };
}

import * as tf from '@tensorflow/tfjs';
import { Judge } from './judge';
import { recordScores } from './leaderboard';
import { heldOutTestDigits, scoreImages, Scores, uniformNoise } from './scores';

/** Fraction of images the judge labels with probability ≥ `threshold` (default 0.9): "clearly a digit". */
export function digitLikeFraction(judge: Judge, images: tf.Tensor4D, threshold = 0.9): number {
  const m = tf.tidy(() => {
    const p = judge.probs(images.clipByValue(0, 1));
    return p.max(1).greaterEqual(threshold).mean();
  });
  const v = m.dataSync()[0];
  m.dispose();
  return v;
}

export interface GeneratorEntry {
  model: string;
  /** Samples [n,28,28,1] in [0,1]; not disposed. */
  images: tf.Tensor4D;
  /** Generation seconds for all n samples. */
  sampleSeconds: number;
  /** Training seconds (as measured when trained) and whether this run loaded cached weights. */
  trainSeconds: number;
  cached: boolean;
}

export type GeneratorRow = Record<string, string | number | boolean>;

const row = (model: string, n: number, digitLike: number, s: Scores, sampleSeconds: number, trainSeconds: number, cached: boolean): GeneratorRow => ({
  model,
  'digit-like (p≥0.9)': digitLike,
  'mean confidence': s.meanTargetProb,
  'label entropy (bits)': s.labelEntropy,
  'Fréchet (judge)': s.frechet,
  'nearest train digit': s.nnDistance,
  's / sample': sampleSeconds / n,
  'train min': trainSeconds / 60,
  cached,
});

/**
 * The evaluation the paper's §6.2 proposes, for unconditional generators: every model's samples
 * scored by the judge (rows also go to figures/leaderboard.csv with their sample sheets), then two
 * anchors scored alike — uniform noise ("chance") and held-out real test digits — with as many images.
 */
export async function evaluateGenerators(judge: Judge, entries: GeneratorEntry[], o: { paper: string; seed: number; settings?: Record<string, unknown> }): Promise<GeneratorRow[]> {
  const rows: GeneratorRow[] = [];
  for (const e of entries) {
    const n = e.images.shape[0];
    const s = await recordScores({ method: e.model, paper: o.paper, images: e.images, labels: null, secondsPerImage: e.sampleSeconds / n, judge, settings: o.settings, show: false });
    rows.push(row(e.model, n, digitLikeFraction(judge, e.images), s, e.sampleSeconds, e.trainSeconds, e.cached));
  }
  const n = entries[0]?.images.shape[0] ?? 100;
  const noise = uniformNoise(n, o.seed);
  const real = heldOutTestDigits(Math.ceil(n / 10), o.seed + 1);
  for (const [model, images] of [['uniform noise (chance)', noise], ['real test digits', real.images]] as const) {
    rows.push(row(model, images.shape[0], digitLikeFraction(judge, images), scoreImages(judge, images, null), 0, 0, false));
  }
  tf.dispose([noise, real.images]);
  return rows;
}

import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../../data/mnist';
import { Judge } from '../../eval/judge';
import { RAW_PIXELS, InputTransform, toNetworkInput } from './input';
import { allLosses, InvertibleLoss } from './losses';
import { InvertibleMlp } from './mlp';
import { Inverter } from './inverter';
import { embeddingStats, generateDigits, roundTripErrors } from './sampling';

/**
 * The judge's verdict on generated digits: the fraction it assigns to the intended label and the
 * mean probability it gives that label (images clamped to [0,1], as a PNG of them would be).
 * The light half of lib/eval/scores.ts (no Fréchet distance, no nearest neighbours), for tables
 * with many rows; the leaderboard rows use scoreImages.
 */
export function judgeAccuracy(judge: Judge, images: tf.Tensor4D, labels: Int32Array): { accuracy: number; meanTargetProb: number } {
  const probs = tf.tidy(() => judge.probs(images.clipByValue(0, 1)));
  const p = probs.dataSync();
  probs.dispose();
  let hits = 0;
  let target = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = p.subarray(i * 10, i * 10 + 10);
    let top = 0;
    for (let k = 1; k < 10; k++) if (row[k] > row[top]) top = k;
    if (top === labels[i]) hits++;
    target += row[labels[i]];
  }
  return { accuracy: hits / labels.length, meanTargetProb: target / labels.length };
}

export interface VariantEvaluation {
  /** Judge accuracy of generated digits at each temperature asked for. */
  judge: Record<string, number>;
  /** Test losses in nats per image (for the flow: −log p of the network input, up to the variance penalty). */
  losses: Record<InvertibleLoss, number>;
  logAbsDetSum: number;
  meanVariance: number;
  maxCondition: number;
  roundTripMaxAbs: number;
  roundTripMaxRelative: number;
  /** One generated sample per digit [10,28,28,1] at each temperature (caller disposes). */
  samples: Record<string, tf.Tensor4D>;
}

/**
 * Everything the loss comparison reports for one trained net: generated digits judged at the
 * given temperatures, the three losses and the embedding variance on the test digits (in the
 * net's input space), κ and the round trip.
 */
export function evaluateVariant(
  net: InvertibleMlp,
  inv: Inverter,
  test: Dataset,
  judge: Judge,
  o: { temperatures: number[]; perDigit: number; seed: number; input?: InputTransform; roundTripRows?: number },
): VariantEvaluation {
  const input = o.input ?? RAW_PIXELS;
  const judged: Record<string, number> = {};
  const samples: Record<string, tf.Tensor4D> = {};
  for (const t of o.temperatures) {
    const g = generateDigits(inv, o.perDigit, o.seed, { temperature: t, input });
    judged[`T=${t}`] = judgeAccuracy(judge, g.images, g.labels).accuracy;
    samples[`T=${t}`] = tf.gather(g.images, Array.from({ length: 10 }, (_, d) => d * o.perDigit)) as tf.Tensor4D;
    g.images.dispose();
  }
  const xin = toNetworkInput(test.images, input, o.seed + 3);
  const a = tf.tensor1d(Float32Array.from(test.labels));
  const losses = allLosses(net, xin, a, inv.logAbsDets);
  const st = embeddingStats(net, { ...test, images: xin as tf.Tensor4D });
  const k = Math.min(xin.shape[0], o.roundTripRows ?? xin.shape[0]);
  const xk = xin.slice(0, k);
  const rt = roundTripErrors(net, inv, xk, { reference64: false });
  xk.dispose();
  tf.dispose([xin, a]);
  return {
    judge: judged,
    losses,
    logAbsDetSum: inv.logAbsDets.reduce((x, y) => x + y, 0),
    meanVariance: st.reduce((x, r) => x + r.variance, 0) / st.length,
    maxCondition: Math.max(...inv.conditions),
    roundTripMaxAbs: rt.maxAbs,
    roundTripMaxRelative: rt.maxRelative,
    samples,
  };
}

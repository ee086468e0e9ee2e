import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/mnist';
import { assertShape, ShapeError, ValueRangeError } from '../tensor/guards';
import { Judge } from './judge';
import { scoreImages } from './scores';
import { mean } from './stats';

/**
 * For each query row, the Euclidean distance to its nearest reference row of the same class:
 *   min_j ‖a_i − b_j‖ over b_j with class(b_j) = class(a_i),  via ‖a−b‖² = ‖a‖² + ‖b‖² − 2a·b.
 * Rows are flattened (images [n,28,28,1] or features [n,f]). A class with no reference is an error.
 */
export function nearestDistances(queries: tf.Tensor, queryClasses: ArrayLike<number>, reference: tf.Tensor, referenceClasses: ArrayLike<number>): Float32Array {
  const n = queries.shape[0];
  const m = reference.shape[0];
  if (queryClasses.length !== n) throw new ShapeError(`${queryClasses.length} classes for ${n} queries; give one class per query.`);
  if (referenceClasses.length !== m) throw new ShapeError(`${referenceClasses.length} classes for ${m} reference rows; give one class per row.`);
  const dim = queries.size / Math.max(n, 1);
  if (reference.size / Math.max(m, 1) !== dim) throw new ShapeError(`queries have ${dim} values per row but the reference has ${reference.size / m}; compare like with like.`);
  const out = new Float32Array(n);
  const classes = new Set(Array.from(queryClasses));
  for (const c of classes) {
    const qi: number[] = [];
    const ri: number[] = [];
    for (let i = 0; i < n; i++) if (queryClasses[i] === c) qi.push(i);
    for (let j = 0; j < m; j++) if (referenceClasses[j] === c) ri.push(j);
    if (ri.length === 0) throw new ValueRangeError(`the reference has no rows of class ${c}; use a reference with every class (e.g. perClass).`);
    const d = tf.tidy(() => {
      const a = tf.gather(queries.reshape([n, dim]), tf.tensor1d(qi, 'int32'));
      const b = tf.gather(reference.reshape([m, dim]), tf.tensor1d(ri, 'int32'));
      const d2 = a.square().sum(1, true).add(b.square().sum(1).reshape([1, -1])).sub(tf.matMul(a, b, false, true).mul(2));
      return d2.min(1).relu().sqrt(); // relu: rounding can make a 0 distance slightly negative
    });
    const v = d.dataSync();
    d.dispose();
    qi.forEach((i, k) => (out[i] = v[k]));
  }
  return out;
}

/** Judge features of real digits, computed once and reused for every batch that is scored. */
export interface FeatureBank {
  features: tf.Tensor2D;
  labels: Int32Array;
  dispose(): void;
}

/** The judge's penultimate features of `ds` (e.g. perClass('train', k, seed)). */
export function featureBank(judge: Judge, ds: Dataset): FeatureBank {
  assertShape(ds.images, [null, 28, 28, 1], 'feature bank images');
  const features = judge.features(ds.images);
  return { features, labels: ds.labels, dispose: () => features.dispose() };
}

/** Nearest-neighbour distance in the judge's feature space to real digits of each image's class. */
export function nearestFeatureDistances(judge: Judge, images: tf.Tensor4D, classes: ArrayLike<number>, bank: FeatureBank): Float32Array {
  const clamped = tf.tidy(() => images.clipByValue(0, 1)); // what a PNG of them holds, as scoreImages does
  const f = judge.features(clamped);
  try {
    return nearestDistances(f, classes, bank.features, bank.labels);
  } finally {
    tf.dispose([clamped, f]);
  }
}

// One mean for lib (lib/eval/stats.ts); re-exported for the callers that took it from here.
export { mean };

/** What the λ and epochs sweeps of notebook 04 report per batch of generated digits. */
export interface NeighbourScores {
  n: number;
  /** Fraction the judge classifies as the intended digit. */
  judgeAccuracy: number;
  /** Mean judge probability of the intended digit. */
  judgeTargetProb: number;
  /** Mean pixel distance to the nearest training digit of the class (all 60k; scores.ts). */
  nnPixel: number;
  /** Mean judge-feature distance to the nearest bank digit of the class. */
  nnFeature: number;
  /** Fraction of raw pixels outside [0,1]. */
  outsideRange: number;
}

/** Judge scores plus nearest-neighbour distances (pixel and judge-feature space) of labelled images. */
export function neighbourScores(judge: Judge, images: tf.Tensor4D, labels: Int32Array, bank: FeatureBank): NeighbourScores {
  const s = scoreImages(judge, images, labels);
  return {
    n: s.n,
    judgeAccuracy: s.judgeAccuracy as number,
    judgeTargetProb: s.meanTargetProb,
    nnPixel: s.nnDistance,
    nnFeature: mean(nearestFeatureDistances(judge, images, labels, bank)),
    outsideRange: s.outsideRange,
  };
}

import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape, ShapeError, ValueRangeError } from '../../tensor/guards';

/** ClassDistr rows: p on the target, (1 − p)/9 elsewhere. */
export function classDistribution(targets: Int32Array, targetProb = 0.95, classes = 10): tf.Tensor2D {
  assertNumber(classes, 'classDistribution: classes', { integer: true, min: 2 }, 'MNIST has 10.');
  if (!(targetProb > 1 / classes && targetProb < 1)) throw new ValueRangeError(`targetProb=${targetProb} must lie in (1/${classes}, 1): softmax never reaches 1 and log 0 has no inverse.`);
  const y = new Float32Array(targets.length * classes).fill((1 - targetProb) / (classes - 1));
  targets.forEach((t, i) => {
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) throw new ValueRangeError(`target ${t} at index ${i} is not a class 0..${classes - 1}.`);
    y[i * classes + t] = targetProb;
  });
  return tf.tensor2d(y, [targets.length, classes]);
}

/** The ≥ 0.9 / ≤ 0.1 check of paper 001 per image: target probability and the largest other one. */
export function targetCheck(probs: tf.Tensor2D, targets: Int32Array, minTarget = 0.9, maxOther = 0.1): { targetProb: Float32Array; maxOther: Float32Array; pass: boolean[] } {
  assertShape(probs, [null, null], 'targetCheck probs (one row of class probabilities per image)');
  assertNumber(minTarget, 'targetCheck: minTarget', { min: 0, max: 1 }, 'the paper uses 0.9.');
  assertNumber(maxOther, 'targetCheck: maxOther', { min: 0, max: 1 }, 'the paper uses 0.1.');
  const [n, c] = probs.shape;
  if (n !== targets.length) throw new ShapeError(`targetCheck: ${n} probability rows but ${targets.length} targets; give one target per row.`);
  targets.forEach((t, i) => { if (!(t >= 0 && t < c)) throw new ValueRangeError(`targetCheck: target ${t} at index ${i} is not a class 0..${c - 1}; fix the target list.`); });
  const p = probs.dataSync();
  const tp = new Float32Array(n);
  const mo = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    tp[i] = p[i * c + targets[i]];
    let m = 0;
    for (let j = 0; j < c; j++) if (j !== targets[i] && p[i * c + j] > m) m = p[i * c + j];
    mo[i] = m;
  }
  return { targetProb: tp, maxOther: mo, pass: Array.from(tp, (t, i) => t >= minTarget && mo[i] <= maxOther) };
}

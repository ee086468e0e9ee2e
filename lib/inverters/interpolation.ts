import * as tf from '@tensorflow/tfjs';
import { assertNumber, ValueRangeError } from '../tensor/guards';
import { InversionLoss } from './gradient';

/**
 * Paper 004 sec. 5.4: "directly maximise [the] logit for its class along with the logit for class 0
 * and vary their ratios" — a direct loss instead of the cross-entropy surrogate:
 *   L(z, t) = −Σ_k t_k z_k   (z = logits, t = the two ratios, e.g. t_0 = 1 − r, t_d = r), mean over the batch.
 */
export const logitInterpolationLoss: InversionLoss = (logits, targets) => tf.tidy(() => logits.mul(targets).sum(1).mean().neg() as tf.Scalar);

/** Rows of a from ↔ digit interpolation grid: row d holds the ratios r for digits[d]. */
export interface InterpolationTargets {
  /** [digits.length · ratios.length, 10]: weight 1 − r on `from`, r on the digit (1 on `from` when they coincide). */
  targets: tf.Tensor2D;
  /** The digit of each row entry (for reference rows and titles). */
  digits: Int32Array;
  ratios: number[];
}

/** Targets for a digits × ratios grid between `from` and each digit (paper fig. 4: from 0 to every digit). */
export function interpolationTargets(from: number, digits: number[], ratios: number[]): InterpolationTargets {
  if (!(digits?.length > 0 && ratios?.length > 0)) throw new ValueRangeError(`interpolationTargets: digits [${digits}] and ratios [${ratios}] must both be non-empty; e.g. digits [1, 2, 3], ratios [0, 0.5, 1].`);
  assertNumber(from, 'interpolation from', { integer: true, min: 0, max: 9 }, 'the digit every row starts at, a class 0–9.');
  digits.forEach((d, i) => assertNumber(d, `interpolation digits[${i}]`, { integer: true, min: 0, max: 9 }, 'fix the interpolation digits (classes 0–9).'));
  ratios.forEach((r, i) => assertNumber(r, `interpolation ratios[${i}]`, { min: 0, max: 1 }, 'give ratios like [0, 0.25, 0.5, 0.75, 1].'));
  const k = ratios.length;
  const t = new Float32Array(digits.length * k * 10);
  const who = new Int32Array(digits.length * k);
  digits.forEach((d, i) =>
    ratios.forEach((r, j) => {
      const row = (i * k + j) * 10;
      t[row + from] += 1 - r;
      t[row + d] += r;
      who[i * k + j] = d;
    }),
  );
  return { targets: tf.tensor2d(t, [digits.length * k, 10]), digits: who, ratios };
}

import * as tf from '@tensorflow/tfjs';
import { assertNumber } from '../../tensor/guards';
import { SELU_FLOOR } from '../activations';
import { BackpassError } from './layers';

export interface BackpassOptions {
  /** Target class per sample; ClassDistr puts `targetProb` on it and spreads the rest evenly. */
  targets: Int32Array;
  /** Default 0.95. */
  targetProb?: number;
  /** Null-space sample size relative to the pseudo-inverse solution: ‖N s‖ = Std·‖W⁺(x⁻ − b)‖ (paper: 0.1). */
  std?: number;
  /** The free constant of softmax⁻¹ (paper: 0). */
  constant?: number;
  /** How close to SELU's floor −λα a value may come before it counts as unbounded (default 1e-3). */
  margin?: number;
  /** A pre-activation or image value beyond this magnitude counts as "grows unbounded" (default 1e4). */
  maxAbs?: number;
  /**
   * What to do with a value outside SELU⁻¹'s domain: 'reject' the sample (the paper: "return
   * error"); 'clip' it to −λα + margin and let the forward verification judge the result (a
   * repair beyond the paper; counted in `clippedFraction`); or 'project': move the preimage
   * inside the null space of the layer above until it lies in the domain (alternating
   * projections, see `projectIntoDomain`; beyond the paper, exact: W·x is unchanged). A sample
   * for which no feasible preimage is found is still rejected.
   */
  domain?: 'reject' | 'clip' | 'project';
  /** 'project': the lower bound aimed at is −λα + floorGap (default 0.5), well inside the domain. */
  floorGap?: number;
  /** 'project': at most this many alternating-projection sweeps per layer (default 3000; rows that are done drop out). */
  projectIterations?: number;
  /** Rounds of fresh null-space samples for rejected samples (default 5). */
  rounds?: number;
  seed: number;
}

export interface BackpassResult {
  /** The accepted images [m,28,28,1] (m ≤ n; raw values: the inverse does not keep them in [0,1]). */
  images: tf.Tensor4D;
  /** Target class of each accepted image. */
  targets: Int32Array;
  /** The network's probabilities on each accepted image [m,10] (the verification, Fig. 2 line 12). */
  probs: tf.Tensor2D;
  /** Samples rejected, by reason ("layer 3: SELU domain", "verify"), over all rounds. */
  rejected: Record<string, number>;
  /** Values raised to SELU's floor (domain: 'clip'), as a fraction of all hidden values of the accepted images' passes. */
  clippedFraction: number;
  /**
   * 'project' only, per layer ("layer 3"): how many samples left SELU⁻¹'s domain there and were
   * projected back, how many of those projections succeeded, and the most sweeps one needed.
   */
  projected: Record<string, { samples: number; feasible: number; maxIterations: number }>;
  /** Samples attempted (n plus the redraws). */
  attempts: number;
  seconds: number;
}

/** What one backward pass needs: every option of a pass, defaults filled in. */
export type PassOptions = Required<Omit<BackpassOptions, 'targets' | 'seed' | 'rounds' | 'targetProb'>>;
export type Projected = BackpassResult['projected'];

/** The options with their defaults, each checked (a bad one names itself and the fix). */
export function resolveOptions(opts: BackpassOptions): PassOptions & BackpassOptions & { rounds: number } {
  const o = { std: 0.1, constant: 0, margin: 1e-3, maxAbs: 1e4, domain: 'reject' as const, floorGap: 0.5, projectIterations: 3000, rounds: 5, ...opts };
  const check = (name: string, rule: Parameters<typeof assertNumber>[2], fix: string) => assertNumber(o[name as keyof typeof o], `backpassInvert: ${name}`, rule, fix, BackpassError);
  if (!(o.targets?.length > 0)) throw new BackpassError('backpassInvert: targets must be a non-empty Int32Array of classes, one per image to generate; e.g. Int32Array.from([0, 1, 2]).');
  if (!['reject', 'clip', 'project'].includes(o.domain)) throw new BackpassError(`backpassInvert: domain='${o.domain}' is not 'reject', 'clip' or 'project'.`);
  check('rounds', { integer: true, min: 1 }, 'the default is 5 (rounds of fresh null-space samples).');
  check('seed', { integer: true }, 'any whole number, e.g. the run seed.');
  check('std', { min: 0 }, 'the paper uses 0.1; 0 gives the pseudo-inverse image alone.');
  check('constant', {}, "0 is the paper's choice.");
  check('margin', { min: 0, below: -SELU_FLOOR }, 'the default is 1e-3 (how close to −λα a value may come).');
  check('maxAbs', { above: 0 }, 'the default is 1e4 (larger values count as unbounded).');
  check('floorGap', {}, 'the default is 0.5 (the projection aims at −λα + floorGap).');
  if (!(o.floorGap > o.margin)) throw new BackpassError(`backpassInvert: floorGap=${o.floorGap} must exceed margin=${o.margin} (the projection aims above the accepted floor).`);
  check('projectIterations', { integer: true, min: 1 }, 'the default is 3000.');
  return o;
}

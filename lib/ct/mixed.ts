import * as tf from '@tensorflow/tfjs';
import { CtShapeError, CtValueError } from './errors';
import { imagesFromTensor, imagesToTensor } from './images';
import { type ProjectionOperator, checkImages } from './projector';
import { type SirtSettings, sirtSolver } from './sirt';

/** Where the scheme is when it calls the model step. */
export interface ModelStepInfo {
  /** 0 for the first model step. */
  step: number;
  /** SIRT iterations run so far (in this call). */
  sirtIterations: number;
}

/**
 * One step of a caller's model (e.g. a gradient step of the CE+TV inversion loss) on a batch;
 * returns the new images in the same order.
 */
export type ModelStep = (x: Float32Array[], info: ModelStepInfo) => Float32Array[] | Promise<Float32Array[]>;

export interface SirtMixedOptions extends SirtSettings {
  A: ProjectionOperator;
  sinogram: readonly Float32Array[];
  /** Number of SIRT iterations to run in total. */
  sirtIters: number;
  modelStep: ModelStep;
  /** SIRT iterations per model step (default 3, the paper's 3:1). */
  ratio?: number;
  /** Clamp the model step's output to [min, max] like a SIRT iterate (default true). */
  clampModelStep?: boolean;
}

export interface SirtMixedResult {
  images: Float32Array[];
  sirtIterations: number;
  modelSteps: number;
  /** Batch-mean ‖p − A·x‖₂ before each SIRT iteration. */
  residualNorms: number[];
}

/**
 * The mixed scheme of the case study (thesis ch. 5): SIRT iterations and a model step
 * alternate in a ratio:1 rhythm — `ratio` SIRT iterations, then one model step, repeated until
 * `sirtIters` SIRT iterations have run; a trailing partial block gets no model step. So
 * sirtIters = 48, ratio = 3 gives 16 blocks of (3 × SIRT, 1 × model step).
 * Start from x0 (e.g. 50 plain SIRT iterations, as in the thesis) or zeros.
 */
export async function sirtMixed(opts: SirtMixedOptions): Promise<SirtMixedResult> {
  const ratio = opts.ratio ?? 3;
  if (!Number.isInteger(ratio) || ratio <= 0) {
    throw new CtValueError(`ratio is ${ratio}; pass a positive integer number of SIRT iterations per model step, e.g. 3.`);
  }
  if (!Number.isInteger(opts.sirtIters) || opts.sirtIters < 0) {
    throw new CtValueError(`sirtIters is ${opts.sirtIters}; pass a non-negative integer, e.g. 48.`);
  }
  if (typeof opts.modelStep !== 'function') {
    throw new CtValueError('modelStep is not a function; pass (x: Float32Array[]) => Float32Array[] (see tensorStep for tensor models).');
  }
  if (!opts.A || typeof (opts.A as Partial<ProjectionOperator>).forward !== 'function') {
    throw new CtValueError('A is not a ProjectionOperator; build it with projectionOperator(geometry).');
  }
  const solver = sirtSolver(opts.A, opts.sinogram, opts);
  const clamp = opts.clampModelStep ?? true;
  let done = 0;
  let modelSteps = 0;
  while (done < opts.sirtIters) {
    const k = Math.min(ratio, opts.sirtIters - done);
    solver.iterate(k);
    done += k;
    if (k < ratio) break;
    const out = await opts.modelStep(solver.images(), { step: modelSteps, sirtIterations: done });
    if (!Array.isArray(out) || out.length !== solver.n) {
      throw new CtShapeError(
        `modelStep returned ${Array.isArray(out) ? `${out.length} images` : String(out)} for ${solver.n} inputs; return one Float32Array per input image.`,
      );
    }
    checkImages(opts.A, out, 'modelStep output'); // names the culprit before setImages would
    solver.setImages(out, clamp);
    modelSteps++;
  }
  return { images: solver.images(), sirtIterations: done, modelSteps, residualNorms: [...solver.residualNorms] };
}

/**
 * Adapt a tensor function (NHWC [n, rows, cols, 1] in, same shape out) to a ModelStep.
 * fn runs inside tf.tidy; its input and output are disposed here.
 */
export function tensorStep(
  fn: (x: tf.Tensor4D, info: ModelStepInfo) => tf.Tensor,
  rows: number,
  cols: number,
): (x: Float32Array[], info: ModelStepInfo) => Promise<Float32Array[]> {
  return async (images, info) => {
    const out = tf.tidy(() => {
      const y = fn(imagesToTensor(images, rows, cols), info);
      if (y.size !== images.length * rows * cols) {
        throw new CtShapeError(`the tensor step returned shape [${y.shape}]; return the input's shape [${images.length}, ${rows}, ${cols}, 1].`);
      }
      return y.reshape([images.length, rows, cols, 1]);
    });
    try {
      return await imagesFromTensor(out);
    } finally {
      out.dispose();
    }
  };
}

import * as tf from '@tensorflow/tfjs';
import { CtShapeError } from './errors';

/**
 * Moving images between the project's NHWC tensors and lib/ct's Float32Array-per-image batches.
 */

/** Split a [n, rows, cols, 1] tensor into n row-major Float32Arrays (reads the data; does not dispose t). */
export async function imagesFromTensor(t: tf.Tensor): Promise<Float32Array[]> {
  if (t.rank !== 4 || t.shape[3] !== 1) {
    throw new CtShapeError(`tensor has shape [${t.shape}]; pass NHWC images [n, rows, cols, 1].`);
  }
  const [n, rows, cols] = t.shape;
  const data = await t.data(); // Float32Array, or Int32Array/Uint8Array for other dtypes: copied to float32
  const size = rows * cols;
  return Array.from({ length: n }, (_, b) => Float32Array.from(data.subarray(b * size, (b + 1) * size) as ArrayLike<number>));
}

/** Stack row-major images into one [n, rows, cols, 1] tensor (the caller disposes it). */
export function imagesToTensor(images: readonly Float32Array[], rows: number, cols: number): tf.Tensor4D {
  const size = rows * cols;
  const flat = new Float32Array(images.length * size);
  images.forEach((img, b) => {
    if (img.length !== size) {
      throw new CtShapeError(`images[${b}] has ${img.length} values, not ${rows}×${cols} = ${size}; pass the true rows and cols.`);
    }
    flat.set(img, b * size);
  });
  return tf.tensor4d(flat, [images.length, rows, cols, 1]);
}

import * as tf from '@tensorflow/tfjs';
import { asTensor, KernelArgs } from './kernel-utils';

/**
 * UnsortedSegmentSum is missing on wasm; it is the gradient of tf.gather (embedding lookups, picking
 * logits by label). out[s] = Σ_{i: ids[i] = s} x[i] = oneHot(ids)ᵀ · x, one matmul. Ids outside
 * [0, numSegments) get an all-zero one-hot row and drop out, as in TensorFlow.
 */
export function unsortedSegmentSum({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { numSegments } = attrs as { numSegments: number };
  return tf.tidy(() => {
    const x = asTensor(inputs.x);
    const seg = asTensor(inputs.segmentIds);
    // segmentIds covers the first k axes of x; those are flattened into one.
    const ids = tf.reshape(seg, [-1]);
    const n = ids.shape[0];
    const rest = x.shape.slice(seg.rank);
    const x2 = tf.reshape(tf.cast(x, 'float32'), [n, -1]);
    // Not tf.oneHot(..., 'float32'): the wasm OneHot writes int32 bits into float outputs (tfjs 4.22).
    const oh = tf.cast(tf.equal(tf.reshape(tf.cast(ids, 'int32'), [n, 1]), tf.range(0, numSegments, 1, 'int32')), 'float32'); // [n, S]
    const out = tf.matMul(tf.transpose(oh), x2);
    const shaped = tf.reshape(out, [numSegments, ...rest]);
    return x.dtype === 'float32' ? shaped : tf.cast(shaped, x.dtype);
  });
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};

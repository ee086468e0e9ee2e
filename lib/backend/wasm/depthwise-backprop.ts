import * as tf from '@tensorflow/tfjs';
import { convBackpropFilter, convBackpropInput } from './conv-math';
import { asTensor, KernelArgs, pair } from './kernel-utils';

/**
 * Depthwise conv gradients (missing on wasm). A depthwise filter [KH, KW, C, M] is the block-diagonal
 * dense filter [KH, KW, C, C·M] with W[.., c, c·M + m] = w[.., c, m]; the dense gradients then come
 * from the forward-conv formulas in conv-math.ts. Costs C× the FLOPs of a native kernel, which is fine
 * for the small channel counts depthwise layers have here.
 */
function blockMask(c: number, m: number): tf.Tensor {
  return tf.reshape(tf.tile(tf.reshape(tf.eye(c), [c, c, 1]), [1, 1, m]), [1, 1, c, c, m]);
}

interface DwAttrs { strides: number | number[]; pad: 'valid' | 'same' | number; dilations?: number | number[];
  dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape?: [number, number, number, number]; inputShape?: number[] }

export function depthwiseBackpropInput({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as unknown as DwAttrs;
  return tf.tidy(() => {
    const dy = asTensor(inputs.dy) as tf.Tensor4D;
    const w = asTensor(inputs.filter) as tf.Tensor4D;
    const [kh, kw, c, m] = w.shape;
    const dense = tf.reshape(tf.mul(tf.reshape(w, [kh, kw, c, 1, m]), blockMask(c, m)), [kh, kw, c, c * m]) as tf.Tensor4D;
    const xShape = a.inputShape as [number, number, number, number];
    return convBackpropInput(dy, dense, xShape, pair(a.strides), pair(a.dilations ?? 1), a.pad, a.dimRoundingMode);
  });
}

export function depthwiseBackpropFilter({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as unknown as DwAttrs;
  return tf.tidy(() => {
    const x = asTensor(inputs.x) as tf.Tensor4D;
    const dy = asTensor(inputs.dy) as tf.Tensor4D;
    const [kh, kw, c, m] = a.filterShape as [number, number, number, number];
    const g = convBackpropFilter(x, dy, [kh, kw, c, c * m], pair(a.strides), pair(a.dilations ?? 1), a.pad, a.dimRoundingMode);
    return tf.sum(tf.mul(tf.reshape(g, [kh, kw, c, c, m]), blockMask(c, m)), 3);
  });
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};

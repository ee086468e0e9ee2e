import * as tf from '@tensorflow/tfjs';
import { convBackpropFilter } from './conv-math';
import { asTensor, KernelArgs, pair, toNhwc } from './kernel-utils';

/**
 * Conv2DBackpropFilter is missing from the wasm build; without it no CNN trains on wasm. (Its attrs
 * carry no dilations: tfjs computes conv gradients only for dilation 1.)
 */
export function conv2dBackpropFilter({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as { strides: number | number[]; pad: 'valid' | 'same' | number; dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  return tf.tidy(() => {
    const x = toNhwc(asTensor(inputs.x) as tf.Tensor4D, a.dataFormat);
    const dy = toNhwc(asTensor(inputs.dy) as tf.Tensor4D, a.dataFormat);
    return convBackpropFilter(x, dy, a.filterShape, pair(a.strides), [1, 1], a.pad, a.dimRoundingMode);
  });
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};

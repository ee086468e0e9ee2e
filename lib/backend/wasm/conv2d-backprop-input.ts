import * as tf from '@tensorflow/tfjs';
import { convBackpropInput } from './conv-math';
import { asTensor, fromNhwc, KernelArgs, pair, shapeToNhwc, toNhwc } from './kernel-utils';

/**
 * Conv2DBackpropInput exists on wasm but loops naively (~200 ms a CNN step); as a forward conv of dy
 * with the flipped filter it runs through XNNPACK. Also the forward pass of conv2dTranspose.
 */
export function conv2dBackpropInput({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as { strides: number | number[]; pad: 'valid' | 'same' | number; dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: number[] };
  return tf.tidy(() => {
    const dy = toNhwc(asTensor(inputs.dy) as tf.Tensor4D, a.dataFormat);
    const filter = asTensor(inputs.filter) as tf.Tensor4D;
    const xShape = shapeToNhwc(a.inputShape, a.dataFormat);
    const dx = convBackpropInput(dy, filter, xShape, pair(a.strides), [1, 1], a.pad, a.dimRoundingMode);
    return fromNhwc(dx, a.dataFormat);
  });
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};

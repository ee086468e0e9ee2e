import * as tf from '@tensorflow/tfjs';
import { KernelArgs } from './kernel-utils';

/**
 * Unpack (tf.unstack). The wasm kernel takes each output with its own module's Slice, which copies all
 * of x out of the heap first (readSync), once per output: unstacking a ViT's qkv [3,768,50,64] took
 * ~74 ms (10 ns an element). Here each output goes through the registered Slice (slice.ts: reads x in
 * place, one contiguous run per output when the axis is the first). Strings keep the original kernel.
 */
export function fastUnpack(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const value = args.inputs.value;
    if (value.dtype === 'string') return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    const rank = value.shape.length;
    let axis = (args.attrs as { axis: number }).axis;
    if (axis < 0) axis += rank;
    const slice = (tf.getKernel('Slice', 'wasm') as tf.KernelConfig).kernelFunc;
    const outShape = value.shape.filter((_, a) => a !== axis);
    const size = value.shape.slice();
    size[axis] = 1;
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      const begin = new Array<number>(rank).fill(0);
      begin[axis] = i;
      const t = slice({ inputs: { x: value }, attrs: { begin, size }, backend: args.backend } as never) as tf.TensorInfo;
      return { dataId: t.dataId, dtype: t.dtype, shape: outShape };
    });
  }) as unknown as tf.KernelFunc;
}

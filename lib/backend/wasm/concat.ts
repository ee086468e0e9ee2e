import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackend } from './kernel-utils';

/**
 * Concat. The wasm kernel copies each input's inner block with `set(subarray(...))` (~0.25 µs a
 * block); along the channel axis of NHWC maps a block is one pixel's channels, so a UNet skip
 * connection of [64,28,28,16] ⧺ [64,28,28,16] made 100k tiny copies. Short blocks are copied by a
 * plain loop here. Strings, empty inputs and single inputs keep the original kernel.
 */
export function fastConcat(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const list: tf.TensorInfo[] = Array.isArray(inputs) ? inputs : (Object.values(inputs) as tf.TensorInfo[]);
    if (list.length < 2 || list[0].dtype === 'string' || list.some((t) => tf.util.sizeFromShape(t.shape) === 0)) {
      return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, list[0].shape)[0];
    tf.backend_util.assertParamsConsistent(list.map((t) => t.shape), axis);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(tf.backend_util.computeOutShape(list.map((t) => t.shape), axis), list[0].dtype);
    const ov = backend.typedArrayFromHeap(out);
    const outer = tf.util.sizeFromShape(list[0].shape.slice(0, axis));
    const inner = list.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const total = inner.reduce((a, b) => a + b, 0);
    const vals = list.map((t) => backend.typedArrayFromHeap(t));
    for (let i = 0, start = 0; i < list.length; start += inner[i], i++) {
      const v = vals[i];
      const d = inner[i];
      for (let b = 0; b < outer; b++) {
        const o = b * total + start;
        const src = b * d;
        if (d >= 64) ov.set(v.subarray(src, src + d), o);
        else for (let j = 0; j < d; j++) ov[o + j] = v[src + j];
      }
    }
    return out;
  }) as unknown as tf.KernelFunc;
}

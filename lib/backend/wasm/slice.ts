import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackend } from './kernel-utils';

/**
 * Slice. The wasm kernel copies one innermost row at a time with `set(subarray(...))`, ~0.25 µs a
 * row; NHWC images with one channel have rows of one element, so slicing [10,28,28,1] took ~2 ms
 * (the TV prior, conv-gradient crops and the pooling-gradient crop each do several per step).
 * Here trailing axes taken whole are merged with the last partial axis into one contiguous run, and
 * short runs are copied by a plain loop. Strings keep the original kernel.
 */
export function fastSlice(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const x = args.inputs.x;
    if (x.dtype === 'string') return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend as WasmBackend;
    // Output first (allocating can grow the heap and detach earlier views), then a view of x: readSync
    // would copy all of x out of the heap (~9 ms for 1.4M floats) to slice a part of it.
    const out = backend.makeOutput(s, x.dtype);
    const ov = backend.typedArrayFromHeap(out);
    const xv = backend.typedArrayFromHeap(x);
    if (ov.length === 0) return out;
    const shape = x.shape;
    const rank = shape.length;
    const strides = new Array<number>(rank);
    for (let a = rank - 1, st = 1; a >= 0; a--) { strides[a] = st; st *= shape[a]; }
    // Merge trailing whole axes into one run: [.., k (partial), whole, whole] → runs of s[k]·stride[k].
    let k = rank - 1;
    while (k > 0 && b[k] === 0 && s[k] === shape[k]) k--;
    const run = s[k] * strides[k];
    const base = b[k] * strides[k];
    const outer = s.slice(0, k);
    const idx = new Array<number>(k).fill(0);
    const count = outer.reduce((p, v) => p * v, 1);
    for (let r = 0, o = 0; r < count; r++, o += run) {
      let off = base;
      for (let a = 0; a < k; a++) off += (b[a] + idx[a]) * strides[a];
      if (run >= 64) ov.set(xv.subarray(off, off + run), o);
      else for (let i = 0; i < run; i++) ov[o + i] = xv[off + i];
      for (let a = k - 1; a >= 0; a--) { if (++idx[a] < outer[a]) break; idx[a] = 0; }
    }
    return out;
  }) as unknown as tf.KernelFunc;
}

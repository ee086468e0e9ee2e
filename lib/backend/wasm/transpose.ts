import * as tf from '@tensorflow/tfjs';
import { asTensor, KernelArgs } from './kernel-utils';

/**
 * Transpose of rank ≥ 5: the wasm kernel falls back to a generic loop (~380 ms for [64,50,3,3,64] →
 * [2,0,3,1,4], the qkv split of a ViT block) while ranks ≤ 4 take ~3 ms. Axes that stay neighbours are
 * merged first; what is left is done as a sequence of "move one axis" steps, each a rank-4 transpose
 * [A, d, B, C] → [A, B, d, C] of a reshaped view. At most rank − 1 passes over the data.
 */
export function fastTranspose(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { perm } = args.attrs as { perm: number[] };
    const x = args.inputs.x;
    if (perm.length < 5) return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    return tf.tidy(() => {
      // Merge runs of input axes that are consecutive in the output too.
      const groups: number[][] = [];
      for (const a of perm) {
        const last = groups[groups.length - 1];
        if (last && last[last.length - 1] + 1 === a) last.push(a);
        else groups.push([a]);
      }
      const order = groups.map((g) => g[0]).sort((p, q) => p - q);
      const dims = order.map((first) => groups.find((g) => g[0] === first)!.reduce((s, a) => s * x.shape[a], 1));
      // target: the merged axes (named by their first input axis) in output order
      const target = groups.map((g) => g[0]);
      let cur = order.slice();
      let shape = dims.slice();
      let t = tf.reshape(asTensor(x), shape);
      for (let pos = 0; pos < target.length; pos++) {
        const from = cur.indexOf(target[pos]);
        if (from === pos) continue;
        // Move axis `from` to `pos` (pos < from): view as [A, B, d, C] with B = axes pos..from−1.
        const a = shape.slice(0, pos).reduce((s, v) => s * v, 1);
        const b = shape.slice(pos, from).reduce((s, v) => s * v, 1);
        const d = shape[from];
        const c = shape.slice(from + 1).reduce((s, v) => s * v, 1);
        t = tf.transpose(tf.reshape(t, [a, b, d, c]), [0, 2, 1, 3]);
        cur = [...cur.slice(0, pos), cur[from], ...cur.slice(pos, from), ...cur.slice(from + 1)];
        shape = [...shape.slice(0, pos), shape[from], ...shape.slice(pos, from), ...shape.slice(from + 1)];
      }
      return tf.reshape(t, perm.map((p) => x.shape[p]));
    });
  }) as unknown as tf.KernelFunc;
}

import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackend } from './kernel-utils';
import { ALPHA, SCALE } from './selu';
import { overVectors, simdKernels } from './simd/instance';

const SCALE_ALPHA = SCALE * ALPHA;

/** A kernel of our own: the SELU derivative times dy. */
export const SELU_GRAD = 'LabSeluGrad';

/**
 * dx = dy · (λ if x > 0 else λα·eˣ) in one pass over the wasm heap. tfjs writes SELU's gradient as
 * seven kernels (Greater, Mul, Mul, Cast, Exp, Mul, Select): the backward pass of a SELU on [10,784]
 * took ~210 µs on wasm, ~105 µs as a JS loop over the heap (~12 ns an element, most of it Math.exp),
 * and ~15 µs with the SIMD module simd/selu-grad.wat, which has a vector eˣ (~1.2 ns an element;
 * [64,784]: 950 → 68 µs). The JS loop stays for fewer than 4 elements and where that module cannot be
 * instantiated. NaN in x gives NaN, as there.
 */
export const seluGradConfig: tf.KernelConfig = {
  kernelName: SELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: KernelArgs) => {
    const { dy, x } = args.inputs;
    const backend = args.backend as WasmBackend;
    // Output first: allocating can grow the heap, which detaches views taken before.
    const out = backend.makeOutput(x.shape, 'float32');
    const o = backend.typedArrayFromHeap(out) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const v = backend.typedArrayFromHeap(x) as Float32Array;
    const n = o.length;
    const simd = n >= 4 ? simdKernels(backend) : undefined;
    if (simd) {
      overVectors(n, (b, count) => simd.selu_grad(g.byteOffset + b, v.byteOffset + b, o.byteOffset + b, count));
      return out;
    }
    for (let i = 0; i < n; i++) {
      const xi = v[i];
      o[i] = xi > 0 ? g[i] * SCALE : g[i] * SCALE_ALPHA * Math.exp(xi);
    }
    return out;
  }) as unknown as tf.KernelFunc,
};

/**
 * Selu's gradient: the kernel above on wasm; elsewhere `original`, tfjs's own gradient. Registering a
 * gradient replaces it for every backend, so it is delegated to rather than written again here.
 */
export function seluGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || d.dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(SELU_GRAD, { dy: d, x }) as tf.Tensor };
    },
  };
}

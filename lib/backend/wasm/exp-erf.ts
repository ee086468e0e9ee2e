import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackend } from './kernel-utils';
import { overVectors, simdKernels } from './simd/instance';

/**
 * Exp and Erf in the SIMD module simd/exp.wat. The wasm build runs both as scalar libm loops (~10 and
 * ~5 ns an element): Exp is in every log-softmax and cross-entropy, the VAE's σ = e^(log σ²/2) and
 * Erf's own gradient; Erf is the ViT's GELU ([256,50,768] per block). Other dtypes, fewer than 4
 * elements, or no SIMD module (a shared-memory build) keep the original kernel.
 */
function simdUnary(op: 'exp' | 'erf'): (original: tf.KernelFunc) => tf.KernelFunc {
  return (original) => ((args: KernelArgs) => {
    const x = args.inputs.x;
    const n = tf.util.sizeFromShape(x.shape);
    const simd = x.dtype === 'float32' && n >= 4 ? simdKernels(args.backend) : undefined;
    if (!simd) return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as WasmBackend;
    // Output first: allocating can grow the heap, which detaches views taken before.
    const out = backend.makeOutput(x.shape, 'float32');
    const [o, v] = [backend.typedArrayFromHeap(out), backend.typedArrayFromHeap(x)];
    overVectors(n, (b, count) => simd[op](v.byteOffset + b, o.byteOffset + b, count));
    return out;
  }) as unknown as tf.KernelFunc;
}

export const fastExp = simdUnary('exp');
export const fastErf = simdUnary('erf');

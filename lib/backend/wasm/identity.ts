import * as tf from '@tensorflow/tfjs';
import { KernelArgs, WasmBackend } from './kernel-utils';

/**
 * Identity shares the input's data (one more reference) instead of copying it, as the cpu and webgl
 * backends do. It matters because the engine clones (runs Identity on) every tensor an op saves for
 * its backward pass: with the wasm kernel's copy, each fused matMul under a gradient copied its weight
 * matrix (0.35 ms for 784×784) and the copy, a new tensor, was packed by XNNPACK again (~2 ms) even
 * when the weights had not changed (input inversion, Levenberg–Marquardt Jacobians).
 * Safe because no wasm kernel writes into its inputs; data is freed when the last reference goes.
 */
export function fastIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const x = (args.inputs as unknown as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    (args.backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
}

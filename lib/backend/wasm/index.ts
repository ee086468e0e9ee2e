import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fastBatchMatMul, fastFusedMatMul } from './batch-matmul';
import { fastConcat } from './concat';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop';
import { fastIdentity } from './identity';
import { fastMaxPoolGrad } from './max-pool-grad';
import { fastReverse } from './reverse';
import { seluGradConfig, seluGradient } from './selu-grad';
import { fastSelu } from './selu';
import { fastUnpack } from './unpack';
import { fastErf, fastExp } from './exp-erf';
import { fastSlice } from './slice';
import { fastSum } from './sum';
import { fastTile } from './tile';
import { fastTranspose } from './transpose';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Kernels added outright (missing from the wasm build) or replacing a slow wasm kernel entirely. */
const REPLACEMENTS: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  seluGradConfig,
];

/** Wasm kernels kept but wrapped: the wrapper takes the fast route and falls back to the original. */
const WRAPPERS: { name: string; wrap: (orig: tf.KernelFunc) => tf.KernelFunc }[] = [
  { name: 'BatchMatMul', wrap: fastBatchMatMul },
  // Needs the unwrapped BatchMatMul: looked up lazily, after BatchMatMul was wrapped.
  { name: '_FusedMatMul', wrap: (orig) => fastFusedMatMul(orig, () => originals.get('BatchMatMul') as tf.KernelFunc) },
  { name: 'MaxPoolGrad', wrap: fastMaxPoolGrad },
  { name: 'Slice', wrap: fastSlice },
  { name: 'Concat', wrap: fastConcat },
  { name: 'Sum', wrap: fastSum },
  { name: 'Transpose', wrap: fastTranspose },
  { name: 'Tile', wrap: fastTile },
  { name: 'Identity', wrap: fastIdentity },
  { name: 'Reverse', wrap: fastReverse },
  { name: 'Selu', wrap: fastSelu },
  { name: 'Unpack', wrap: fastUnpack },
  { name: 'Exp', wrap: fastExp },
  { name: 'Erf', wrap: fastErf },
];

const ours = new Set<tf.KernelFunc>();
/** Gradient configs this module registered (so a second call does not wrap them again). */
const ourGradients = new Set<tf.GradConfig>();
/** The wasm build's own kernelFuncs, before wrapping. */
const originals = new Map<string, tf.KernelFunc>();

function install(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') != null) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
  ours.add(config.kernelFunc);
}

/**
 * Make the wasm backend train every model in lib: registers the kernels it lacks and fast paths for
 * the ones it runs naively. Idempotent; returns the names of the kernels this module provides.
 * Call before or after tf.setBackend('wasm'); wrapped kernels keep the original's setupFunc.
 */
export function registerWasmTrainingKernels(): string[] {
  const names: string[] = [];
  for (const config of REPLACEMENTS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current == null || !ours.has(current.kernelFunc)) install(config);
    names.push(config.kernelName);
  }
  for (const { name, wrap } of WRAPPERS) {
    const current = tf.getKernel(name, 'wasm');
    if (current == null) throw new Error(`wasm kernel ${name} is not registered: import '@tensorflow/tfjs-backend-wasm' first`);
    if (!ours.has(current.kernelFunc)) {
      originals.set(name, current.kernelFunc);
      install({ ...current, kernelFunc: wrap(current.kernelFunc) });
    }
    names.push(name);
  }
  // SELU's gradient runs as one kernel on wasm (selu-grad.ts); other backends keep tfjs's composition.
  const seluGrad = tf.getGradient('Selu');
  if (seluGrad && !ourGradients.has(seluGrad)) {
    const wrapped = seluGradient(seluGrad);
    ourGradients.add(wrapped);
    tf.registerGradient(wrapped);
  }
  return names;
}

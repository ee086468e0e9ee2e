import * as tf from '@tensorflow/tfjs';
import { installLazyFusedGradients } from './lazy-gradients';
import { registerWasmTrainingKernels } from './wasm/index';

/**
 * Backend choice, in order: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow), wasm (XNNPACK + SIMD,
 * with the training kernels lib/backend/wasm adds), cpu (plain JS; a last resort, ~100x slower to
 * train). tfjs-node and -gpu are optional: they download libtensorflow when installed, which an
 * offline machine cannot do, so they are never in package.json; we use them when a user added them.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ENV = 'MNIST_LAB_BACKEND';

export interface BackendInfo {
  name: BackendName;
  /** Which package provides it, e.g. "@tensorflow/tfjs-node-gpu". */
  provider: string;
  versions: Record<string, string>;
  /** Why this one (and what was tried before it). */
  note: string;
  /** Kernels lib registered or replaced (wasm only). */
  kernels: string[];
}

let current: BackendInfo | null = null;

/** Tries to load a native tfjs-node package; true when it registered the 'tensorflow' backend. */
function tryNative(pkg: string): boolean {
  try {
    // Not a static import: these packages are optional and usually absent.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(pkg);
  } catch {
    return false;
  }
  // danfojs-node's alias of @tensorflow/tfjs-node resolves to plain tfjs: check a backend appeared.
  return tf.findBackendFactory('tensorflow') != null;
}

function versionOf(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(`${pkg}/package.json`).version as string;
  } catch {
    return 'absent';
  }
}

async function useWasm(): Promise<string[]> {
  // Importing registers the backend; its .wasm binaries are read from node_modules in Node.
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  return registerWasmTrainingKernels();
}

/**
 * Select and initialise the backend. `prefer` (or MNIST_LAB_BACKEND) forces one:
 * tensorflow | wasm | cpu | auto. Idempotent: a second call returns the first answer.
 */
export async function initBackend(prefer?: BackendName | 'auto'): Promise<BackendInfo> {
  const wanted = (prefer ?? process.env[BACKEND_ENV] ?? 'auto').toLowerCase();
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(wanted)) {
    throw new Error(`${BACKEND_ENV}=${wanted} is not a backend; use auto, tensorflow, wasm or cpu.`);
  }
  if (current && (wanted === 'auto' || wanted === current.name)) return current;
  const tried: string[] = [];
  let name: BackendName = 'cpu';
  let provider = '@tensorflow/tfjs-backend-cpu';
  let kernels: string[] = [];

  if (wanted === 'auto' || wanted === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if (tryNative(pkg) && (await tf.setBackend('tensorflow'))) {
        name = 'tensorflow';
        provider = pkg;
        break;
      }
      tried.push(`${pkg} not installed`);
    }
    if (wanted === 'tensorflow' && name !== 'tensorflow') {
      throw new Error(`${BACKEND_ENV}=tensorflow but ${tried.join(' and ')}; see environment.md ("CUDA") to install it, or use wasm.`);
    }
  }
  if (name !== 'tensorflow' && (wanted === 'auto' || wanted === 'wasm')) {
    try {
      kernels = await useWasm();
      name = 'wasm';
      provider = '@tensorflow/tfjs-backend-wasm';
    } catch (e) {
      if (wanted === 'wasm') throw new Error(`the wasm backend did not start (${(e as Error).message}); run npm install again, or use ${BACKEND_ENV}=cpu.`);
      tried.push(`wasm failed: ${(e as Error).message}`);
    }
  }
  if (name === 'cpu') {
    await tf.setBackend('cpu');
    if (wanted === 'auto') tried.push('falling back to cpu (slow for training)');
  }
  await tf.ready();
  installLazyFusedGradients();
  current = {
    name,
    provider,
    versions: {
      node: process.version,
      '@tensorflow/tfjs': tf.version.tfjs,
      [provider]: versionOf(provider),
    },
    note: wanted === 'auto' ? (tried.length ? tried.join('; ') : 'first choice') : `forced by ${prefer ? 'argument' : BACKEND_ENV}`,
    kernels,
  };
  return current;
}

/** One line for a notebook's first output. */
export function backendBanner(info: BackendInfo): string {
  const v = Object.entries(info.versions).map(([k, x]) => `${k} ${x}`).join(', ');
  const k = info.kernels.length ? `; ${info.kernels.length} training kernels added` : '';
  return `backend: ${info.name} via ${info.provider} (${v})${k}. ${info.note}.`;
}

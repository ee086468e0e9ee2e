/** The models the rows run: each gives an inference row and a training row (see scripts/bench.ts). */
import { NetBuild } from '../../lib/backend/parallel/parallel-net';
import { createCnn } from '../../lib/models/cnn';
import { createFcnn } from '../../lib/models/fcnn';
import { createUnet, TimeNet } from '../../lib/models/generative/unet';
import { Net } from '../../lib/models/net';
import { createVit, VIT_TINY } from '../../lib/models/vit';
import { VIT_BENCH_DEPTH } from './options';

export interface BenchModel {
  key: string;
  label: string;
  make: () => Net | TimeNet;
  /** How a worker thread rebuilds it (wasm×2); absent for nets ParallelNet does not cover (two inputs). */
  build?: NetBuild;
}

export const CNN_BUILD: NetBuild = { module: 'models/cnn', fn: 'createCnn', args: { seed: 3 } };

/** The DDPM noise predictor ε̂(x_t, t) at quick size. */
export const UNET_BASE = 16;
export const UNET_NOTE = `createUnet({ base: ${UNET_BASE}, seed: 1 }) from lib/models/generative/unet.ts`;

export function benchModels(): BenchModel[] {
  const vitArgs = { ...VIT_TINY, depth: VIT_BENCH_DEPTH, seed: 7 };
  const fc = (layers: number, seed: number) => ({ layers, activation: 'selu' as const, seed });
  return [
    { key: 'm1', label: 'M1 = FCNN-2 (784-784-10, SELU)', make: () => createFcnn(fc(2, 1)), build: { module: 'models/fcnn', fn: 'createFcnn', args: fc(2, 1) } },
    { key: 'fcnn6', label: 'FCNN-6 (784 wide, SELU)', make: () => createFcnn(fc(6, 2)), build: { module: 'models/fcnn', fn: 'createFcnn', args: fc(6, 2) } },
    { key: 'cnn', label: 'M2 = inversion CNN', make: () => createCnn({ seed: 3 }), build: CNN_BUILD },
    { key: 'vit', label: `ViT-tiny blocks (dim 192, ${VIT_BENCH_DEPTH} of 12 blocks)`, make: () => createVit(vitArgs), build: { module: 'models/vit', fn: 'createVit', args: vitArgs } },
    { key: 'unet', label: `DDPM UNet ε̂(x_t, t) (base ${UNET_BASE}, quick)`, make: () => createUnet({ base: UNET_BASE, seed: 1 }) },
  ];
}

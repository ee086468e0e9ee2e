import * as tf from '@tensorflow/tfjs';
import { ClassifierTraining } from '../../train/classifier';
import { trainRuns } from '../../train/runs';
import { createBusemannModel } from './busemann';
import { circlePrototypes, createHypersphereModel, placePrototypes } from './hypersphere';
import { PrototypeModel, trainPrototypeModel } from './train';

/** One prototype network of chapter 4 as plain data: a notebook cell or a background job builds it. */
export interface PrototypeRun {
  kind: 'sphere' | 'busemann';
  dims: number;
  /** Steps of eq. 4.4's placement for D ≥ 3 (D = 2 uses the evenly spaced circle). */
  placementSteps: number;
  seed: number;
  cnn: { filters: [number, number]; hidden: number };
  /** Busemann penalty slope (φ = slope · D). */
  slope?: number;
  training: ClassifierTraining;
  /** Training images: loadMnist('train', { limit, seed }). */
  data: { limit: number; seed: number };
}

export interface PlacedPrototypes {
  dims: number;
  prototypes: tf.Tensor2D;
  /** NaN for the closed-form circle (no random start). */
  maxCosStart: number;
  maxCosEnd: number;
}

/** The thesis's prototypes: evenly spaced on the circle for D = 2, eq. 4.4 from a seeded start otherwise. */
export function placeFor(dims: number, steps: number, seed: number): PlacedPrototypes {
  if (dims === 2) return { dims, prototypes: circlePrototypes(10), maxCosStart: NaN, maxCosEnd: Math.cos(Math.PI / 5) };
  const p = placePrototypes({ dims, steps, seed });
  return { dims, prototypes: p.prototypes, maxCosStart: p.maxCosStart, maxCosEnd: p.maxCosEnd };
}

export const prototypeRunName = (r: PrototypeRun): string => `${r.kind === 'sphere' ? 'sphere' : 'Busemann'} ${r.dims}D`;

/**
 * The network of a run on the given prototypes (cloned), and its cache key's model part: the
 * architecture and how the prototypes were placed.
 */
export function buildPrototypeModel(r: PrototypeRun, prototypes: tf.Tensor2D): { model: PrototypeModel; key: object } {
  const placement = r.dims === 2 ? 'circle' : { steps: r.placementSteps, seed: r.seed };
  if (r.kind === 'sphere') {
    return { model: createHypersphereModel({ prototypes: prototypes.clone(), seed: r.seed, ...r.cnn }), key: { arch: 'embedding-cnn', ...r.cnn, placement } };
  }
  const slope = r.slope ?? 1;
  return { model: createBusemannModel({ prototypes: prototypes.clone(), seed: r.seed, slope, ...r.cnn }), key: { arch: 'embedding-cnn-expmap0', ...r.cnn, slope, placement } };
}

/** Background job (lib/train/background.ts): train the runs into the model cache. */
export const trainPrototypeRuns = (runs: PrototypeRun[]): Promise<void> =>
  trainRuns(
    runs,
    (r) => {
      const placed = placeFor(r.dims, r.placementSteps, r.seed);
      const built = buildPrototypeModel(r, placed.prototypes);
      return { ...built, dispose: () => { built.model.dispose(); placed.prototypes.dispose(); } };
    },
    (b, data, r) => trainPrototypeModel(b.model, b.key, data, r.training, prototypeRunName(r)),
  );

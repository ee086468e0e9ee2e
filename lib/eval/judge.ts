import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createJudgeCnn, judgeForward, JudgeCnnOptions } from '../models/judge-cnn';
import { fromLayers, Net } from '../models/net';
import { fromRoot, writeFileAtomic } from '../paths';
import { assertShape, ShapeError } from '../tensor/guards';

/** The weights of the judge are read from data/judge/ (MNIST_LAB_JUDGE overrides, e.g. for tests). */
export const judgeDir = (): string => process.env.MNIST_LAB_JUDGE ?? fromRoot('data', 'judge');

/** The judge's weights are missing, corrupt or do not fit its architecture. */
export class JudgeWeightsError extends Error {
  name = 'JudgeWeightsError';
}

/** How the committed weights were made: stored in model.json, shown in notebooks. */
export interface JudgeInfo {
  architecture: JudgeCnnOptions;
  training: Record<string, unknown>;
  testAccuracy: number;
  trainSeconds: number;
  /** SHA-256 of weights.bin, checked at load. */
  weightsSha256: string;
  backend: string;
  trainedAt: string;
}

export interface Judge {
  /** The classifier as a Net (logits [n,10]); never trained further. */
  net: Net;
  /** Softmax probabilities [n,10], in batches; the caller disposes. */
  probs(x: tf.Tensor): tf.Tensor2D;
  /** Penultimate-layer (dense256, post-ReLU) features [n,256], in batches; the caller disposes. */
  features(x: tf.Tensor): tf.Tensor2D;
  info: JudgeInfo;
  dispose(): void;
}

const FIX = 'run `npm run train-judge` (about 20 CPU-minutes) or restore it with `git checkout data/judge`';

/** Applies `f` to slices of `batch` images and concatenates, so 10,000 images stay in bounded memory. */
function batched(x: tf.Tensor, batch: number, f: (xb: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  assertShape(x, [null, 28, 28, 1], 'judge input');
  const n = x.shape[0];
  if (n === 0) throw new ShapeError('judge input holds 0 images; give at least one [n,28,28,1] image.');
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i += batch) parts.push(tf.tidy(() => f(x.slice(i, Math.min(batch, n - i)))));
  if (parts.length === 1) return parts[0] as tf.Tensor2D;
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

export function wrapJudge(model: tf.LayersModel, info: JudgeInfo): Judge {
  return {
    net: fromLayers(model, 'judge CNN'),
    probs: (x) => batched(x, 256, (xb) => tf.softmax(judgeForward(model, xb).logits)),
    features: (x) => batched(x, 256, (xb) => judgeForward(model, xb).features),
    info,
    dispose: () => model.dispose(),
  };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Save in the tfjs layers-model format (model.json with topology + weightsManifest, one
 * weights.bin), so tf.loadLayersModel in any tfjs tool reads it too; `judge` holds JudgeInfo.
 */
export async function saveJudge(model: tf.LayersModel, info: Omit<JudgeInfo, 'weightsSha256'>, dir = judgeDir()): Promise<JudgeInfo> {
  let full: JudgeInfo | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const bin = new Uint8Array(a.weightData as ArrayBuffer);
      full = { ...info, weightsSha256: sha256(bin) };
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        userDefinedMetadata: { judge: full },
      };
      writeFileAtomic(path.join(dir, 'weights.bin'), bin);
      writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return full as unknown as JudgeInfo;
}

let shared: Judge | null = null;

/**
 * The judge, from the committed weights (data/judge/model.json + weights.bin; SHA-256 checked).
 * Built from lib/models/judge-cnn.ts with the stored architecture, so code and file must agree.
 * Cached per process: every call returns the same Judge (do not dispose it; `fresh` gives a new one).
 */
export async function loadJudge(opts: { dir?: string; fresh?: boolean } = {}): Promise<Judge> {
  if (shared && !opts.fresh && !opts.dir) return shared;
  const dir = opts.dir ?? judgeDir();
  const jsonFile = path.join(dir, 'model.json');
  const binFile = path.join(dir, 'weights.bin');
  for (const f of [jsonFile, binFile]) if (!fs.existsSync(f)) throw new JudgeWeightsError(`the judge's ${f} is missing; ${FIX}.`);
  let json: { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: { judge?: JudgeInfo } };
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch (e) {
    throw new JudgeWeightsError(`the judge's ${jsonFile} is not JSON (${(e as Error).message}); ${FIX}.`);
  }
  const info = json.userDefinedMetadata?.judge;
  if (!info?.weightsSha256 || !info.architecture) throw new JudgeWeightsError(`${jsonFile} has no judge metadata; ${FIX}.`);
  const bin = fs.readFileSync(binFile);
  const got = sha256(bin);
  if (got !== info.weightsSha256) {
    throw new JudgeWeightsError(`the judge's ${binFile} is corrupt: SHA-256 ${got}, model.json expects ${info.weightsSha256}; ${FIX}.`);
  }
  const specs = json.weightsManifest[0].weights;
  const named = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
  const model = createJudgeCnn(info.architecture);
  const current = model.getWeights();
  const loaded = specs.map((s) => named[s.name]);
  const fits = loaded.length === current.length && loaded.every((w, i) => w.shape.join() === current[i].shape.join());
  if (!fits) {
    tf.dispose(Object.values(named));
    model.dispose();
    throw new JudgeWeightsError(`${binFile} does not fit lib/models/judge-cnn.ts (weights differ in count or shape); ${FIX}.`);
  }
  model.setWeights(loaded);
  tf.dispose(Object.values(named));
  const judge = wrapJudge(model, info);
  if (!opts.dir && !opts.fresh) shared = judge;
  return judge;
}

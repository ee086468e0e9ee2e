import * as tf from '@tensorflow/tfjs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createJudgeCnn, judgeForward, JudgeCnnOptions } from '../models/judge-cnn';
import { createJudgeMlp, judgeMlpForward, JudgeMlpOptions } from '../models/judge-mlp';
import { fromLayers, Net } from '../models/net';
import { fromRoot, writeFileAtomic } from '../paths';
import { assertShape, ShapeError } from '../tensor/guards';

/** The weights of the judge are read from data/judge/ (MNIST_LAB_JUDGE overrides, e.g. for tests). */
export const judgeDir = (): string => process.env.MNIST_LAB_JUDGE ?? fromRoot('data', 'judge');

/** The judge's weights are missing, corrupt or do not fit its architecture. */
export class JudgeWeightsError extends Error {
  name = 'JudgeWeightsError';
}

/**
 * The second judge's weights: data/judge2/ (MNIST_LAB_JUDGE2 overrides). An MLP, a different
 * family from the first judge, that only scores: nothing generates with it (data/judge2/README.md).
 */
export const judge2Dir = (): string => process.env.MNIST_LAB_JUDGE2 ?? fromRoot('data', 'judge2');

/** How the committed weights were made: stored in model.json, shown in notebooks. */
export interface JudgeInfo<A = JudgeCnnOptions> {
  /** Model family: absent or 'cnn' for the first judge (lib/models/judge-cnn.ts), 'mlp' for the second (lib/models/judge-mlp.ts). */
  family?: 'cnn' | 'mlp';
  architecture: A;
  training: Record<string, unknown>;
  testAccuracy: number;
  trainSeconds: number;
  /** SHA-256 of weights.bin, checked at load. */
  weightsSha256: string;
  backend: string;
  trainedAt: string;
  /** Mean top probability on structureless images, measured after training (judgeCalibration). */
  calibration?: Record<string, number>;
}

export interface Judge {
  /** The classifier as a Net (logits [n,10]); never trained further. */
  net: Net;
  /** Softmax probabilities [n,10], in batches; the caller disposes. */
  probs(x: tf.Tensor): tf.Tensor2D;
  /** Penultimate-layer (dense256, post-ReLU) features [n,256], in batches; the caller disposes. */
  features(x: tf.Tensor): tf.Tensor2D;
  info: JudgeInfo<JudgeCnnOptions | JudgeMlpOptions>;
  dispose(): void;
}

type Forward = (model: tf.LayersModel, x: tf.Tensor) => { logits: tf.Tensor2D; features: tf.Tensor2D };

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

export function wrapJudge(model: tf.LayersModel, info: Judge['info'], forward: Forward = judgeForward, name = 'judge CNN'): Judge {
  return {
    net: fromLayers(model, name),
    probs: (x) => batched(x, 256, (xb) => tf.softmax(forward(model, xb).logits)),
    features: (x) => batched(x, 256, (xb) => forward(model, xb).features),
    info,
    dispose: () => model.dispose(),
  };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Save in the tfjs layers-model format (model.json with topology + weightsManifest, one
 * weights.bin), so tf.loadLayersModel in any tfjs tool reads it too; `judge` holds JudgeInfo.
 */
export async function saveJudge<A = JudgeCnnOptions>(model: tf.LayersModel, info: Omit<JudgeInfo<A>, 'weightsSha256'>, dir = judgeDir()): Promise<JudgeInfo<A>> {
  let full: JudgeInfo<A> | null = null;
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
  return full as unknown as JudgeInfo<A>;
}

/** What differs between the judges' loaders: files, architecture code, and the fix an error names. */
interface Family {
  who: string;
  dir: () => string;
  fix: string;
  code: string;
  name: string;
  create: (architecture: never) => tf.LayersModel;
  forward: Forward;
}

const CNN: Family = { who: 'the judge', dir: judgeDir, fix: FIX, code: 'lib/models/judge-cnn.ts', name: 'judge CNN', create: createJudgeCnn, forward: judgeForward };
const MLP: Family = {
  who: 'the second judge',
  dir: judge2Dir,
  fix: 'run `npm run train-judge -- --family mlp` (about 10 CPU-minutes) or restore it with `git checkout data/judge2`',
  code: 'lib/models/judge-mlp.ts',
  name: 'judge MLP',
  create: createJudgeMlp,
  forward: judgeMlpForward,
};

/** Read and check model.json + weights.bin of one judge family (SHA-256, metadata, shapes). */
function readJudge(f: Family, dir: string): Judge {
  const jsonFile = path.join(dir, 'model.json');
  const binFile = path.join(dir, 'weights.bin');
  for (const file of [jsonFile, binFile]) if (!fs.existsSync(file)) throw new JudgeWeightsError(`${f.who}'s ${file} is missing; ${f.fix}.`);
  let json: { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: { judge?: Judge['info'] } };
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch (e) {
    throw new JudgeWeightsError(`${f.who}'s ${jsonFile} is not JSON (${(e as Error).message}); ${f.fix}.`);
  }
  const info = json.userDefinedMetadata?.judge;
  if (!info?.weightsSha256 || !info.architecture) throw new JudgeWeightsError(`${jsonFile} has no judge metadata; ${f.fix}.`);
  const family = info.family ?? 'cnn';
  if (family !== (f === MLP ? 'mlp' : 'cnn')) throw new JudgeWeightsError(`${jsonFile} holds a ${family} judge, not ${f.who} (${f.code}); ${f.fix}.`);
  const bin = fs.readFileSync(binFile);
  const got = sha256(bin);
  if (got !== info.weightsSha256) {
    throw new JudgeWeightsError(`${f.who}'s ${binFile} is corrupt: SHA-256 ${got}, model.json expects ${info.weightsSha256}; ${f.fix}.`);
  }
  const specs = json.weightsManifest[0].weights;
  const named = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
  const model = f.create(info.architecture as never);
  const current = model.getWeights();
  const loaded = specs.map((s) => named[s.name]);
  const fits = loaded.length === current.length && loaded.every((w, i) => w.shape.join() === current[i].shape.join());
  if (!fits) {
    tf.dispose(Object.values(named));
    model.dispose();
    throw new JudgeWeightsError(`${binFile} does not fit ${f.code} (weights differ in count or shape); ${f.fix}.`);
  }
  model.setWeights(loaded);
  tf.dispose(Object.values(named));
  return wrapJudge(model, info, f.forward, f.name);
}

const shared = new Map<Family, Judge>();

/** A family's judge, shared per process unless `dir` (another folder) or `fresh` asks for a new one. */
function loadShared(f: Family, opts: { dir?: string; fresh?: boolean }): Judge {
  const own = !opts.dir && !opts.fresh;
  const cached = shared.get(f);
  if (cached && own) return cached;
  const judge = readJudge(f, opts.dir ?? f.dir());
  if (own) shared.set(f, judge);
  return judge;
}

/**
 * The judge, from the committed weights (data/judge/model.json + weights.bin; SHA-256 checked).
 * Built from lib/models/judge-cnn.ts with the stored architecture, so code and file must agree.
 * Cached per process: every call returns the same Judge (do not dispose it; `fresh` gives a new one).
 */
export async function loadJudge(opts: { dir?: string; fresh?: boolean } = {}): Promise<Judge> {
  return loadShared(CNN, opts);
}

/**
 * The second judge (an MLP, lib/models/judge-mlp.ts), from data/judge2/ (SHA-256 checked), cached
 * like loadJudge. Only for scoring: a judge-based claim is scored by both judges (loadJudges).
 */
export async function loadSecondJudge(opts: { dir?: string; fresh?: boolean } = {}): Promise<Judge> {
  return loadShared(MLP, opts);
}

/** Both judges, named, in a fixed order: the first (CNN) and the second (MLP). Shared instances; do not dispose. */
export async function loadJudges(): Promise<{ name: string; judge: Judge }[]> {
  return [
    { name: 'judge 1 (CNN)', judge: await loadJudge() },
    { name: 'judge 2 (MLP)', judge: await loadSecondJudge() },
  ];
}

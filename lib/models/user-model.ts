import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../paths';
import { assertShape } from '../tensor/guards';
import { fromLayers, Net } from './net';

/**
 * A classifier the user brings as TensorFlow.js files (paper 001's DINOv3-Base fine-tuned on MNIST
 * cannot be downloaded here; convert yours with tensorflowjs_converter). MNIST_LAB_DINO_MODEL names
 * its model.json; layers models and graph models both load. Wrapped as a Net that takes our
 * [n,28,28,1] images in [0,1] and returns logits, so FORWARDPASSINV can invert it.
 */
export const USER_MODEL_ENV = 'MNIST_LAB_DINO_MODEL';

export class UserModelError extends Error {
  name = 'UserModelError';
}

interface ModelJsonFile {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: tf.io.WeightsManifestConfig;
  [k: string]: unknown;
}

/**
 * A tf.io load handler for model.json + its weight files on disk (@tensorflow/tfjs has no file://
 * handler outside tfjs-node): reads the JSON and concatenates the shards named in its manifest.
 */
export function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      if (!fs.existsSync(modelJson)) throw new UserModelError(`${modelJson} does not exist; set ${USER_MODEL_ENV} to the model.json of a TensorFlow.js model.`);
      let json: ModelJsonFile;
      try {
        json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      } catch (e) {
        throw new UserModelError(`${modelJson} is not JSON (${(e as Error).message}); point ${USER_MODEL_ENV} at a tensorflowjs_converter model.json.`);
      }
      if (!json.modelTopology || !json.weightsManifest) {
        throw new UserModelError(`${modelJson} has no modelTopology/weightsManifest; it is not a TensorFlow.js model.json (convert the model with tensorflowjs_converter).`);
      }
      const dir = path.dirname(modelJson);
      return tf.io.getModelArtifactsForJSON(json as unknown as tf.io.ModelJSON, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const f = path.join(dir, p);
            if (!fs.existsSync(f)) throw new UserModelError(`weight shard ${f} named in ${modelJson} is missing; copy all files the converter wrote.`);
            const b = fs.readFileSync(f);
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
          }
        }
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** Save a layers model as dir/model.json + dir/weights.bin (the converter's layout); returns the model.json path. */
export async function saveModelFiles(model: tf.LayersModel, dir: string): Promise<string> {
  const file = path.join(dir, 'model.json');
  await model.save(tf.io.withSaveHandler(async (a) => {
    const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
    writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(weightData));
    writeFileAtomic(file, JSON.stringify({
      format: a.format ?? 'layers-model', generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null,
      modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return file;
}

/**
 * From our [n,28,28,1] images to what the model takes: [n,784] (flattened), [n,H,W,C] (bilinear
 * resize, grey copied to C channels: a ViT fine-tuned at 224×224 RGB) or [n,C,H,W]. All steps are
 * differentiable, so gradients reach our images.
 */
export function inputAdapter(shape: (number | null)[], name: string): (x: tf.Tensor) => tf.Tensor {
  const dims = shape.slice(1);
  if (dims.length === 1 && dims[0] === 784) return (x) => tf.reshape(x, [x.shape[0], 784]);
  if (dims.length === 3 && dims.every((d) => d !== null)) {
    const [a, b, c] = dims as number[];
    const chw = (a === 1 || a === 3) && c !== 1 && c !== 3;
    const [h, w, ch] = chw ? [b, c, a] : [a, b, c];
    return (x) => tf.tidy(() => {
      let y = h === 28 && w === 28 ? x : tf.image.resizeBilinear(x as tf.Tensor4D, [h, w]);
      if (ch !== 1) y = tf.tile(y, [1, 1, 1, ch]);
      return chw ? tf.transpose(y, [0, 3, 1, 2]) : y;
    });
  }
  throw new UserModelError(`${name} takes inputs of shape [${shape.map((d) => d ?? 'n')}]; supported are [n,784], [n,H,W,C] and [n,C,H,W] (C = 1 or 3) — export the model with one of them.`);
}

/**
 * Load the user's model (path: argument, else MNIST_LAB_DINO_MODEL). Returns null when neither is
 * set, so a notebook can skip the row. `output: 'probs'` for models that end in softmax (their
 * log is a valid logit vector: softmax(log p) = p); layers models ending in softmax are detected.
 */
export async function loadUserModel(file = process.env[USER_MODEL_ENV], opts: { output?: 'logits' | 'probs'; name?: string } = {}): Promise<Net | null> {
  if (!file) return null;
  const raw = JSON.parse(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '{}') as ModelJsonFile;
  const name = opts.name ?? path.basename(path.dirname(path.resolve(file)));
  const toLogits = (p: tf.Tensor) => tf.log(tf.add(p, 1e-12));
  if (raw.format === 'graph-model') {
    const g = await tf.loadGraphModel(fileHandler(file));
    const adapt = inputAdapter(g.inputs[0].shape ?? [], `user graph model ${file}`);
    const probs = opts.output === 'probs';
    return {
      name,
      apply: (x) => {
        assertShape(x, [null, 28, 28, 1], `${name} input`);
        return tf.tidy(() => {
          const y = g.predict(adapt(x)) as tf.Tensor;
          return probs ? toLogits(y) : y;
        });
      },
      trainableVars: () => [],
      getWeights: () => Object.values(g.weights).flat(),
      setWeights: () => { throw new UserModelError(`${name} is a graph model: its weights are frozen; fine-tune it before converting.`); },
      dispose: () => g.dispose(),
    };
  }
  const model = await tf.loadLayersModel(fileHandler(file));
  const adapt = inputAdapter(model.inputs[0].shape, `user layers model ${file}`);
  const last = model.layers[model.layers.length - 1].getConfig() as { activation?: string };
  const probs = opts.output === 'probs' || last.activation === 'softmax';
  const inner = fromLayers(model, name);
  return {
    ...inner,
    apply: (x, training = false) => {
      assertShape(x, [null, 28, 28, 1], `${name} input`);
      return tf.tidy(() => {
        const y = inner.apply(adapt(x), training);
        return probs ? toLogits(y) : y;
      });
    },
  };
}

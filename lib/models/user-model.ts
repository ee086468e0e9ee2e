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

/** The fix for a model file tfjs cannot use, at the end of every message. */
const convertAgain = `convert the model again with tensorflowjs_converter (layers or graph model), or point ${USER_MODEL_ENV} at another model.json`;

/** model.json parsed and checked for the two keys every TensorFlow.js model has. */
function readModelJson(modelJson: string): ModelJsonFile {
  if (!fs.existsSync(modelJson)) throw new UserModelError(`${modelJson} does not exist; set ${USER_MODEL_ENV} to the model.json of a TensorFlow.js model.`);
  let json: ModelJsonFile;
  try {
    json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  } catch (e) {
    throw new UserModelError(`${modelJson} is not JSON (${(e as Error).message}); point ${USER_MODEL_ENV} at a tensorflowjs_converter model.json.`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || !json.weightsManifest) {
    throw new UserModelError(`${modelJson} has no modelTopology/weightsManifest; it is not a TensorFlow.js model.json (convert the model with tensorflowjs_converter).`);
  }
  return json;
}

/** Bytes one weight takes in the shards (null: a string tensor, whose size the manifest does not give). */
function weightBytes(w: tf.io.WeightsManifestEntry): number | null {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const stored = w.quantization?.dtype ?? w.dtype;
  const per: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
  return per[stored] === undefined ? null : size * per[stored];
}

/**
 * A tf.io load handler for model.json + its weight files on disk (@tensorflow/tfjs has no file://
 * handler outside tfjs-node): reads the JSON and concatenates the shards named in its manifest,
 * checking their total size against the manifest (tfjs would report a short shard as a tensor
 * with too few values, without naming a file).
 */
export function fileHandler(modelJson: string): tf.io.IOHandler & { load: () => Promise<tf.io.ModelArtifacts> } {
  return {
    load: async () => {
      const json = readModelJson(modelJson);
      const dir = path.dirname(modelJson);
      return tf.io.getModelArtifactsForJSON(json as unknown as tf.io.ModelJSON, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        const sizes: string[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const f = path.join(dir, p);
            if (!fs.existsSync(f)) throw new UserModelError(`weight shard ${f} named in ${modelJson} is missing; copy all files the converter wrote.`);
            const b = fs.readFileSync(f);
            sizes.push(`${p}: ${b.byteLength} bytes`);
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
          }
        }
        const want = manifest.flatMap((g) => g.weights).map(weightBytes);
        const got = buffers.reduce((a, b) => a + b.byteLength, 0);
        const total = want.reduce((a: number, b) => a + (b ?? 0), 0);
        if (want.every((b) => b !== null) && got !== total) {
          throw new UserModelError(`the weight shards of ${modelJson} hold ${got} bytes (${sizes.join(', ')}) but its weightsManifest describes ${total}; a shard is truncated or from another model — copy all files the converter wrote again.`);
        }
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** The layer classes a Keras topology names (nested models included). */
function layerClasses(node: unknown, out: { name: string; cls: string }[] = []): { name: string; cls: string }[] {
  const cfg = (node as { config?: { layers?: unknown } } | null)?.config;
  const layers = Array.isArray(cfg) ? cfg : Array.isArray(cfg?.layers) ? cfg?.layers : [];
  for (const l of layers as { class_name?: string; config?: { name?: string } }[]) {
    out.push({ name: l?.config?.name ?? '?', cls: String(l?.class_name) });
    layerClasses(l, out);
  }
  return out;
}

/** A layers-model topology whose every layer class tfjs knows (an unknown one fails inside tfjs with a TypeError). */
function checkLayerClasses(topology: unknown, file: string): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const root = (topology as { model_config?: unknown })?.model_config ?? topology;
  const bad = layerClasses(root).find((l) => !(l.cls in known));
  if (bad) {
    throw new UserModelError(`${file}: layer '${bad.name}' is a ${bad.cls}, a layer class TensorFlow.js does not have; register it with tf.serialization.registerClass before loading, or replace it with built-in layers and ${convertAgain}.`);
  }
}

/** Runs a tfjs load, turning its bare errors into a UserModelError that names the file and the fix. */
async function loadOrExplain<T>(file: string, kind: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof UserModelError) throw e;
    throw new UserModelError(`${file}: TensorFlow.js cannot build a ${kind} from it (${String((e as Error).message).replace(/\s+/g, ' ')}); ${convertAgain}.`);
  }
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
 * The Net `build` makes around a loaded model, after one blank image went through it and came out
 * as [1, classes]: an op tfjs lacks or an input it cannot take fails here, naming the file, not
 * in the middle of an inversion. On any failure the model is disposed.
 */
function probed(file: string, model: { dispose(): void }, build: () => Net): Net {
  try {
    const net = build();
    const shape = tf.tidy(() => net.apply(tf.zeros([1, 28, 28, 1])).shape);
    if (shape.length !== 2 || !(shape[1] >= 2)) throw new UserModelError(`${file}: the model returns shape [${shape}] for one image, not [1, classes]; export the classifier's logits or probabilities.`);
    return net;
  } catch (e) {
    model.dispose();
    if (e instanceof UserModelError) throw e;
    throw new UserModelError(`${file}: one blank image through the model fails (${String((e as Error).message).replace(/\s+/g, ' ')}); ${convertAgain}.`);
  }
}

/**
 * Load the user's model (path: argument, else MNIST_LAB_DINO_MODEL). Returns null when neither is
 * set, so a notebook can skip the row. `output: 'probs'` for models that end in softmax (their
 * log is a valid logit vector: softmax(log p) = p); layers models ending in softmax are detected.
 */
export async function loadUserModel(file = process.env[USER_MODEL_ENV], opts: { output?: 'logits' | 'probs'; name?: string } = {}): Promise<Net | null> {
  if (!file) return null;
  const raw = readModelJson(file);
  const name = opts.name ?? path.basename(path.dirname(path.resolve(file)));
  const toLogits = (p: tf.Tensor) => tf.log(tf.add(p, 1e-12));
  if (raw.format === 'graph-model') {
    const artifacts = await fileHandler(file).load();
    // The graph first without its weights: tfjs decodes the weights before it reads the graph, and
    // a graph it cannot use would leave those tensors behind.
    const bare = await loadOrExplain(file, 'graph model', () => tf.loadGraphModel(tf.io.fromMemory({ ...artifacts, weightSpecs: [], weightData: new ArrayBuffer(0) })));
    if (!(bare.inputs?.length > 0)) throw new UserModelError(`${file}: the graph model has no inputs; ${convertAgain}.`);
    const g = await loadOrExplain(file, 'graph model', () => tf.loadGraphModel(tf.io.fromMemory(artifacts)));
    return probed(file, g, () => {
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
    });
  }
  checkLayerClasses(raw.modelTopology, file);
  const model = await loadOrExplain(file, 'layers model', () => tf.loadLayersModel(fileHandler(file)));
  return probed(file, model, () => {
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
  });
}

import * as tf from '@tensorflow/tfjs';
import { makeRng, Rng } from '../../tensor/rng';

/** Variable names must be unique in the tfjs engine: every model instance gets its own prefix. */
let instances = 0;

/**
 * The weights of a hand-written model, in creation order (the order checkpoints store), with
 * seeded initialisers: the same seed gives the same model.
 */
export class Params {
  readonly vars: tf.Variable[] = [];
  private readonly rng: Rng;
  private readonly prefix: string;

  constructor(name: string, seed: number) {
    this.rng = makeRng(seed);
    this.prefix = `${name}${instances++}`;
  }

  private add(values: Float32Array, shape: number[], trainable = true): tf.Variable {
    const init = tf.tensor(values, shape);
    const v = tf.variable(init, trainable, `${this.prefix}/${this.vars.length}`);
    init.dispose(); // the variable holds its own reference to the data
    this.vars.push(v);
    return v;
  }

  /** He/Glorot-style normal init with std √(gain / fanIn); shape of a dense [in,out] or conv [kh,kw,in,out] kernel. */
  normal(shape: number[], fanIn: number, gain = 2): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.add(this.rng.normals(size, 0, Math.sqrt(gain / fanIn)), shape);
  }

  zeros(shape: number[]): tf.Variable {
    return this.add(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  }

  ones(shape: number[], trainable = true): tf.Variable {
    return this.add(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape, trainable);
  }

  /** A non-trainable state variable (e.g. a running mean), stored in checkpoints like the weights. */
  state(shape: number[], value: number): tf.Variable {
    return this.add(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape, false);
  }

  /** The variables an optimiser updates (state variables excluded). */
  trainable(): tf.Variable[] {
    return this.vars.filter((v) => v.trainable);
  }

  /** A dense layer's kernel [in,out] and bias [out]. */
  dense(inDim: number, outDim: number, gain = 2): { w: tf.Variable; b: tf.Variable } {
    return { w: this.normal([inDim, outDim], inDim, gain), b: this.zeros([outDim]) };
  }

  /** The variables themselves, like a LayersModel's getWeights(): callers must not dispose them. */
  getWeights(): tf.Tensor[] {
    return [...this.vars];
  }

  /** Assigns copies of `w` (the caller keeps ownership of `w`). */
  setWeights(w: tf.Tensor[]): void {
    if (w.length !== this.vars.length) throw new Error(`${w.length} weights given for ${this.vars.length} variables of ${this.prefix}; load a checkpoint of the same model.`);
    w.forEach((t, i) => {
      if (t.shape.join() !== this.vars[i].shape.join()) {
        throw new Error(`weight ${i} of ${this.prefix} has shape [${t.shape}] but [${this.vars[i].shape}] is needed; load a checkpoint of the same configuration.`);
      }
      this.vars[i].assign(t);
    });
  }

  dispose(): void {
    tf.dispose(this.vars);
  }
}

/** x · w + b for x [n, in]. */
export const dense = (x: tf.Tensor, p: { w: tf.Tensor; b: tf.Tensor }): tf.Tensor2D => tf.add(tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D), p.b) as tf.Tensor2D;

/** The weight plumbing of a generator / discriminator pair (both GANs): G's weights first, then D's. */
export function pairedParams(g: Params, d: Params) {
  return {
    generatorVars: () => g.trainable(),
    discriminatorVars: () => d.trainable(),
    getWeights: () => [...g.getWeights(), ...d.getWeights()],
    setWeights(w: tf.Tensor[]) {
      g.setWeights(w.slice(0, g.vars.length));
      d.setWeights(w.slice(g.vars.length));
    },
    dispose() {
      g.dispose();
      d.dispose();
    },
  };
}

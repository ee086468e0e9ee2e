import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../paths';

/**
 * The lib sources whose code decides what a trainer stores in the model cache: the trainers and
 * the training loop (train), the nets (models, diffusion), the data they see (data), the kernels
 * that compute them (tensor, backend, linalg), and the two files outside those folders whose output
 * lands in cached metadata (a ViT's accuracy, baseline time-lapse frames).
 * test/train/code-version.test.ts follows the imports of every trainer and fails when one reaches a
 * lib file that is neither listed here nor in its list of files that cannot change weights.
 */
export const TRAINING_SOURCES = ['lib/train', 'lib/models', 'lib/diffusion', 'lib/data', 'lib/tensor', 'lib/backend', 'lib/linalg', 'lib/eval/predict.ts', 'lib/plot/timelapse.ts'];

/** Every file under `rel` (a file or folder below `root`), as sorted paths relative to root; prose (.md) is left out. */
function filesUnder(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new Error(`the training code version reads ${abs}, which does not exist; fix TRAINING_SOURCES in lib/train/code-version.ts (or MNIST_LAB_ROOT).`);
  if (st.isFile()) return rel.endsWith('.md') ? [] : [rel];
  return fs.readdirSync(abs).sort().flatMap((f) => filesUnder(root, path.posix.join(rel, f)));
}

/**
 * The training code's version: SHA-256 over the path and bytes of every file in `sources` below
 * `root`. Any edit there (a comment too: cheap and conservative beats clever) gives another
 * version, so a cache entry trained by other code is retrained rather than reused. The hex digest.
 */
export function codeVersionOf(root: string, sources: string[] = TRAINING_SOURCES): string {
  const h = createHash('sha256');
  for (const rel of [...new Set(sources.flatMap((s) => filesUnder(root, s)))].sort()) {
    const bytes = fs.readFileSync(path.join(root, rel));
    h.update(`${rel}\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}

const memo = new Map<string, string>();

/**
 * This checkout's training code version, computed once per process (and per worker thread: a
 * worker has its own module instance) from the project root, so notebooks (cwd notebooks/), tests
 * and the background worker agree. Once per process also matches what runs: a kernel keeps the code
 * it loaded, so edits made while it runs do not change the version it stores.
 */
export function codeVersion(): string {
  const root = projectRoot();
  let v = memo.get(root);
  if (v === undefined) memo.set(root, (v = codeVersionOf(root)));
  return v;
}

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../lib/paths';
import { codeVersion, codeVersionOf, TRAINING_SOURCES } from '../../lib/train/code-version';

test('the training code version changes with any source byte, not with prose, and names a missing source', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'code-version-'));
  try {
    fs.mkdirSync(path.join(root, 'lib', 'train', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'train', 'loop.ts'), 'export const lr = 0.1;\n');
    fs.writeFileSync(path.join(root, 'lib', 'train', 'sub', 'step.ts'), 'export const k = 1;\n');
    const v = codeVersionOf(root, ['lib/train']);
    assert.match(v, /^[0-9a-f]{64}$/);
    assert.equal(codeVersionOf(root, ['lib/train']), v, 'the same files, the same version');
    fs.writeFileSync(path.join(root, 'lib', 'train', 'README.md'), 'notes');
    assert.equal(codeVersionOf(root, ['lib/train']), v, 'prose does not count');
    fs.writeFileSync(path.join(root, 'lib', 'train', 'sub', 'step.ts'), 'export const k = 2;\n');
    const v2 = codeVersionOf(root, ['lib/train']);
    assert.notEqual(v2, v, 'an edit in a subfolder counts');
    fs.renameSync(path.join(root, 'lib', 'train', 'sub', 'step.ts'), path.join(root, 'lib', 'train', 'sub', 'steps.ts'));
    assert.notEqual(codeVersionOf(root, ['lib/train']), v2, 'a rename counts');
    assert.throws(() => codeVersionOf(root, ['lib/train', 'lib/gone']), (e: Error) => e.message.includes(path.join(root, 'lib', 'gone')) && e.message.includes('TRAINING_SOURCES'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(codeVersion(), codeVersionOf(projectRoot()), 'this checkout\'s version, from the project root');
});

/**
 * lib files a trainer reaches that cannot change what it stores, and why. Anything else it imports
 * must be in TRAINING_SOURCES, or a change there would reuse weights trained by other code.
 */
const NOT_WEIGHTS: [RegExp, string][] = [
  [/^lib\/plot\//, 'draws figures and progress bars (timelapse.ts, whose frames are cached, is a training source)'],
  [/^lib\/paths\.ts$/, 'where files live'],
  [/^lib\/(run-context|profile|settings)\.ts$/, 'read and check settings and stamp figures; the values that matter reach trainers through their keys'],
  [/^lib\/eval\/judge\.ts$/, 'loads the judge to score generated digits after training'],
];

/** The lib files reachable by relative imports from every .ts file under `starts`. */
function reachable(root: string, starts: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = starts.flatMap((s) => tsFiles(root, s));
  while (queue.length) {
    const rel = queue.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const src = fs.readFileSync(path.join(root, rel), 'utf8');
    for (const m of src.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']*)'/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      const hit = [`${base}.ts`, `${base}/index.ts`, base].find((c) => c.endsWith('.ts') && fs.existsSync(path.join(root, c)));
      if (hit) queue.push(hit);
    }
  }
  return seen;
}

function tsFiles(root: string, rel: string): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((d) => {
    const r = path.posix.join(rel, d.name);
    return d.isDirectory() ? tsFiles(root, r) : d.name.endsWith('.ts') ? [r] : [];
  });
}

test('every lib file the trainers import is a training source or cannot change weights', () => {
  const root = projectRoot();
  const covered = (f: string) => TRAINING_SOURCES.some((s) => f === s || f.startsWith(`${s}/`));
  const files = [...reachable(root, ['lib/train', 'lib/models', 'lib/diffusion'])];
  const uncovered = files.filter((f) => !covered(f) && !NOT_WEIGHTS.some(([re]) => re.test(f)));
  assert.deepEqual(uncovered, [], 'add these to TRAINING_SOURCES (lib/train/code-version.ts) or, if they cannot change trained weights, to NOT_WEIGHTS here with the reason');
  assert.ok(files.includes('lib/train/loop.ts') && files.includes('lib/linalg/lu.ts') && files.includes('lib/plot/progress.ts'), 'the walk follows imports');
});

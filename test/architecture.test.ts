import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { BEGIN, cycles, DOC, docBlock, END, FOLDER_RULES, Import, isKnownCycle, layerOf, LAYERS, libImports, notebookImports, ROOT, violations } from '../scripts/import-layers';

const doc = fs.readFileSync(DOC, 'utf8');
const graph = libImports();

/** Repo paths inside the doc's inline `code` spans (fenced blocks skipped); {a,b} expanded. */
function docPaths(text: string): string[] {
  const inline = text.replace(/```[\s\S]*?```/g, '').match(/`[^`\n]+`/g) ?? [];
  const found = new Set<string>();
  for (const span of inline) {
    for (const m of span.slice(1, -1).matchAll(/(?:^|[\s(=])((?:lib|scripts|test|notebooks|data|figures|bench|docs)\/(?:\{[^}]*\}|[^\s`'",;:){])*)/g)) {
      const p = m[1].replace(/[.]+$/, '');
      const brace = p.match(/^(.*)\{([^}]*)\}(.*)$/);
      for (const q of brace ? brace[2].split(',').map((x) => brace[1] + x.trim() + brace[3]) : [p]) found.add(q);
    }
  }
  return [...found].sort();
}

test('every repo path ARCHITECTURE.md names in backticks exists', () => {
  const paths = docPaths(doc);
  assert.ok(paths.length >= 40, `expected the map to name many paths, found ${paths.length}`);
  // A pattern (`lib/models/*.ts`, `figures/<name>.png`) must at least have its folder.
  const concrete = paths.map((p) => p.replace(/[*<].*$/, ''));
  const missing = concrete.filter((p) => !fs.existsSync(path.join(ROOT, p)));
  assert.deepEqual(missing, [], `ARCHITECTURE.md names paths that do not exist: fix the doc or the path`);
  // In a checkout, each must be tracked too: an ignored (.executed/) or uncommitted path is missing from a clone.
  const git = spawnSync('git', ['ls-files', '--', ...concrete], { cwd: ROOT, encoding: 'utf8' });
  if (git.status === 0) {
    const tracked = git.stdout.split('\n').filter(Boolean);
    const untracked = concrete.filter((p) => !tracked.some((f) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`)));
    assert.deepEqual(untracked, [], 'ARCHITECTURE.md names paths git does not track: a clone lacks them');
  }
});

test('the path check reads spans, braces and patterns', () => {
  assert.deepEqual(docPaths('see `lib/train/{loop,cache}.ts` and `node --import tsx scripts/x.ts --write`.\n```\nlib/not/this.ts\n```'),
    ['lib/train/cache.ts', 'lib/train/loop.ts', 'scripts/x.ts']);
});

test('the layer diagram in ARCHITECTURE.md is the one the code gives', () => {
  const [i, j] = [doc.indexOf(BEGIN), doc.indexOf(END)];
  assert.ok(i >= 0 && j > i, `ARCHITECTURE.md lacks the ${BEGIN} … ${END} block`);
  assert.equal(doc.slice(i, j + END.length), docBlock(graph),
    'the layer diagram is stale: run `node --import tsx scripts/import-layers.ts --write` and commit ARCHITECTURE.md');
});

test('lib imports only downwards, follows the folder rules, and never imports notebooks/ or scripts/', () => {
  assert.ok(graph.files.length > 100 && graph.imports.length > 200, `parsed ${graph.files.length} files, ${graph.imports.length} imports`);
  // Spot-check edges known to exist (plain import, export-from).
  const has = (from: string, to: string) => graph.imports.some((x) => x.from === from && x.to === to);
  assert.ok(has('lib/notebook.ts', 'lib/backend/select.ts'));
  assert.ok(has('lib/backend/wasm/index.ts', 'lib/backend/wasm/batch-matmul.ts'));
  assert.ok(has('lib/ct/index.ts', 'lib/ct/sirt.ts'), 'export … from');
  assert.deepEqual(violations(graph), []);
});

test('notebooks import lib file by file through notebooks/lib (tslab resolves no folder index)', () => {
  const imports = notebookImports();
  assert.ok(imports.length >= 50, `expected the notebooks to import lib, found ${imports.length} imports`);
  assert.ok(imports.some((i) => i.file === 'lib/notebook.ts'), 'every notebook starts with lib/notebook.ts');
  const bad = imports.filter((i) => i.file === null).map((i) => `${i.notebook}: '${i.spec}' is not a file under notebooks/lib; import the .ts file itself (e.g. './lib/ct/index', not './lib/ct')`);
  assert.deepEqual(bad, []);
  // And the check sees a folder import.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-nb-'));
  fs.mkdirSync(path.join(root, 'notebooks', 'lib', 'ct'), { recursive: true });
  fs.writeFileSync(path.join(root, 'notebooks', 'lib', 'ct', 'index.ts'), '');
  const cell = (src: string) => ({ cell_type: 'code', source: [src] });
  fs.writeFileSync(path.join(root, 'notebooks', '99-x.ipynb'), JSON.stringify({ cells: [cell("import { sirt } from './lib/ct';"), cell("import { a } from './lib/ct/index';")] }));
  assert.deepEqual(notebookImports(root).map((i) => i.file), [null, 'lib/ct/index.ts']);
  fs.rmSync(root, { recursive: true });
});

test('the parser reads every import form: multi-line, type-only, export-from, require, import(), folder index', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
  const write = (f: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  };
  write('lib/a.ts', [
    "import {\n  b1,\n  b2,\n} from './b';",
    "import type { C } from './c';",
    "export * from './d';",
    "const e = require('./e');",
    "const f = () => import('./f');",
    "import { g } from './g';",
    "import * as tf from '@tensorflow/tfjs';",
    "// import { h } from './h';",
  ].join('\n'));
  for (const f of ['b', 'c', 'd', 'e', 'f']) write(`lib/${f}.ts`, '');
  write('lib/g/index.ts', '');
  const g = libImports(root);
  assert.deepEqual(g.imports.filter((i) => i.from === 'lib/a.ts').map((i) => i.to).sort(),
    ['lib/b.ts', 'lib/c.ts', 'lib/d.ts', 'lib/e.ts', 'lib/f.ts', 'lib/g/index.ts']);
  fs.rmSync(root, { recursive: true });
});

test('no import cycle between lib files (known exceptions listed in scripts/import-layers.ts)', (t) => {
  const all = cycles(graph);
  const known = all.filter(isKnownCycle);
  if (known.length) t.diagnostic(`known cycles still present: ${known.map((c) => c.join(' ↔ ')).join('; ')}`);
  assert.deepEqual(all.filter((c) => !isKnownCycle(c)), []);
});

test('the checker catches an upward import, a broken folder rule, an outside import and a cycle', () => {
  const files = ['lib/tensor/a.ts', 'lib/models/m.ts', 'lib/train/t.ts', 'lib/plot/p.ts', 'lib/data/d.ts', 'lib/backend/parallel/r.ts'];
  const imports: Import[] = [
    { from: 'lib/models/m.ts', to: 'lib/train/t.ts', spec: '../train/t' },
    { from: 'lib/train/t.ts', to: 'lib/models/m.ts', spec: '../models/m' },
    { from: 'lib/plot/p.ts', to: 'lib/data/d.ts', spec: '../data/d' },
    { from: 'lib/data/d.ts', to: 'scripts/bench.ts', spec: '../../scripts/bench' },
    // Allowed: backend/parallel is a method, exempt from the rule for the rest of lib/backend/.
    { from: 'lib/backend/parallel/r.ts', to: 'lib/models/m.ts', spec: '../../models/m' },
  ];
  const v = violations({ files, imports });
  assert.equal(v.length, 3, v.join('\n'));
  assert.match(v[0], /lib\/models\/m\.ts \(layer models\) imports lib\/train\/t\.ts \(layer methods, above it\)/);
  assert.match(v[1], /lib\/plot\/p\.ts imports lib\/data\/d\.ts: lib\/plot\/ may import only/);
  assert.match(v[2], /outside lib\/: lib must not import notebooks\/, scripts\/ or test\//);
  assert.deepEqual(cycles({ files, imports }), [['lib/models/m.ts', 'lib/train/t.ts']]);
  assert.match(violations({ files: ['lib/new-top.ts'], imports: [] })[0], /is in no layer: add it .* to LAYERS/);
});

test('every layer has members, and a file goes to its most specific member', () => {
  for (const l of LAYERS) assert.ok(l.members.length > 0, l.name);
  // A member or rule path that no longer exists would put a phantom in the diagram.
  const named = [...LAYERS.flatMap((l) => l.members), ...FOLDER_RULES.flatMap((r) => [r.folder, ...(r.except ? [r.except] : []), ...(r.only ?? []), ...(r.never ?? [])])];
  assert.deepEqual(named.filter((p) => !fs.existsSync(path.join(ROOT, p))), [], 'remove or rename these in scripts/import-layers.ts');
  const name = (f: string) => LAYERS[layerOf(f)].name;
  assert.equal(name('lib/models/cnn.ts'), 'models');
  assert.equal(name('lib/models/invertible/mlp.ts'), 'methods');
  assert.equal(name('lib/backend/parallel/replica.ts'), 'methods');
  assert.equal(name('lib/backend/select.ts'), 'base');
  assert.equal(name('lib/tensor/rng.ts'), 'foundation');
  assert.equal(layerOf('lib/unknown.ts'), -1);
});

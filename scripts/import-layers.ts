/**
 * The import layers of lib/, read from the code: every relative import, export-from, require('…') and
 * import('…') of lib/**∕*.ts (TypeScript's own pre-processor parses them), each file placed in a layer,
 * and the rules ARCHITECTURE.md states, checked. test/architecture.test.ts runs the same checks.
 *
 *   node --import tsx scripts/import-layers.ts            # the layer diagram, then any violation or cycle
 *   node --import tsx scripts/import-layers.ts --folders  # folder → folders it imports
 *   node --import tsx scripts/import-layers.ts --write    # refresh the diagram in ARCHITECTURE.md
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..');

export interface Layer {
  name: string;
  job: string;
  /** Repo paths: a folder ends with '/'. A file goes to the layer of its longest matching member. */
  members: string[];
}

/** Top layer first. A lib file may import files of its own layer and of the layers below it. */
export const LAYERS: Layer[] = [
  { name: 'notebook', job: "a notebook's setup cell; imported by notebooks only", members: ['lib/notebook.ts'] },
  {
    name: 'methods',
    job: 'train, invert, judge, reconstruct: what a paper does with a model; model families with their trainers',
    members: ['lib/train/', 'lib/inverters/', 'lib/eval/', 'lib/diffusion/', 'lib/ct/', 'lib/backend/parallel/',
      'lib/models/invertible/', 'lib/models/prototypes/', 'lib/models/generative/vae-mixtures.ts'],
  },
  { name: 'models', job: 'nets: layers, forward pass, their own losses and samplers; no training', members: ['lib/models/'] },
  { name: 'base', job: 'data, linear algebra, the backend, figures; independent of each other', members: ['lib/data/', 'lib/linalg/', 'lib/backend/', 'lib/plot/'] },
  {
    name: 'foundation',
    job: 'tensor guards and RNG, paths, settings, profile, run context',
    members: ['lib/tensor/', 'lib/paths.ts', 'lib/settings.ts', 'lib/profile.ts', 'lib/run-context.ts', 'lib/kernel-guard.ts'],
  },
];

/** Rules beyond the layer order, between folders of one layer. `only`: what it may import outside itself. */
export interface FolderRule { folder: string; except?: string; only?: string[]; never?: string[]; why: string }
export const FOLDER_RULES: FolderRule[] = [
  { folder: 'lib/tensor/', only: [], why: 'the bottom: guards and RNG import nothing of lib' },
  { folder: 'lib/data/', only: ['lib/tensor/', 'lib/paths.ts', 'lib/settings.ts'], why: 'MNIST files → tensors, nothing else' },
  { folder: 'lib/linalg/', only: ['lib/tensor/'], why: 'plain numerics' },
  { folder: 'lib/backend/', except: 'lib/backend/parallel/', only: ['lib/tensor/', 'lib/paths.ts', 'lib/settings.ts'], why: 'picks the backend and adds kernels; no model code' },
  { folder: 'lib/plot/', only: ['lib/paths.ts', 'lib/run-context.ts', 'lib/settings.ts', 'lib/profile.ts'], why: 'a leaf: shows and saves, imports no model, data or tensor code' },
  { folder: 'lib/eval/', never: ['lib/train/', 'lib/inverters/', 'lib/diffusion/', 'lib/ct/'], why: 'eval judges results; it trains and inverts nothing' },
  { folder: 'lib/inverters/', never: ['lib/eval/', 'lib/ct/', 'lib/diffusion/'], why: 'an inverter needs a net, priors and an optimiser, not the judge' },
];

/**
 * Cycles between lib files tolerated until fixed, each a sorted list of repo paths. Empty: the last one,
 * lib/models/generative/gan.ts ↔ gan-conv.ts, was broken in 98ab1fe (types moved to gan-types.ts).
 */
export const KNOWN_CYCLES: string[][] = [];

export interface Import { from: string; to: string; spec: string }

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (abs: string, root = ROOT) => path.relative(root, abs).split(path.sep).join('/');

/** A relative specifier → the repo path it names (file.ts, folder/index.ts, or the bare path when neither exists). */
function resolve(fromAbs: string, spec: string, root: string): string {
  const base = path.resolve(path.dirname(fromAbs), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return rel(c, root);
  return rel(base, root);
}

/** Every lib file (repo paths, sorted) and its relative imports. */
export function libImports(root = ROOT): { files: string[]; imports: Import[] } {
  const files = walk(path.join(root, 'lib')).sort();
  const imports: Import[] = [];
  for (const f of files) {
    const info = ts.preProcessFile(fs.readFileSync(f, 'utf8'), true, true);
    for (const i of info.importedFiles) {
      if (i.fileName.startsWith('.')) imports.push({ from: rel(f, root), to: resolve(f, i.fileName, root), spec: i.fileName });
    }
  }
  return { files: files.map((f) => rel(f, root)), imports };
}

/**
 * What each notebook's code cells import from lib: tslab compiles notebooks/lib (the symlink) file by
 * file and does not resolve a folder to its index.ts, so every specifier must name a .ts file.
 */
export function notebookImports(root = ROOT): { notebook: string; spec: string; file: string | null }[] {
  const dir = path.join(root, 'notebooks');
  const out: { notebook: string; spec: string; file: string | null }[] = [];
  for (const nb of fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort()) {
    const cells = (JSON.parse(fs.readFileSync(path.join(dir, nb), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] }).cells;
    const code = cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    for (const i of ts.preProcessFile(code, true, true).importedFiles) {
      if (!i.fileName.startsWith('./lib/')) continue;
      const f = path.join(dir, `${i.fileName}.ts`);
      out.push({ notebook: `notebooks/${nb}`, spec: i.fileName, file: fs.existsSync(f) && fs.statSync(f).isFile() ? rel(path.join(root, 'lib', `${i.fileName.slice(6)}.ts`), root) : null });
    }
  }
  return out;
}

/** The layer index (0 = top) of a lib file, or -1 when no member matches. */
export function layerOf(file: string): number {
  let best = -1;
  let bestLen = -1;
  LAYERS.forEach((l, i) => {
    for (const m of l.members) {
      const hit = m.endsWith('/') ? file.startsWith(m) : file === m;
      if (hit && m.length > bestLen) [best, bestLen] = [i, m.length];
    }
  });
  return best;
}

const within = (file: string, prefixes: string[]) => prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));

/** Every broken rule, one line each, naming the file, what it imports, and the fix. */
export function violations({ files, imports }: { files: string[]; imports: Import[] }): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (layerOf(f) < 0) out.push(`${f} is in no layer: add it (or its folder) to LAYERS in scripts/import-layers.ts and to ARCHITECTURE.md`);
  }
  for (const { from, to, spec } of imports) {
    if (!to.startsWith('lib/')) {
      out.push(`${from} imports '${spec}' (${to}), outside lib/: lib must not import notebooks/, scripts/ or test/; move the code into lib`);
      continue;
    }
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a >= 0 && b >= 0 && b < a) {
      out.push(`${from} (layer ${LAYERS[a].name}) imports ${to} (layer ${LAYERS[b].name}, above it): move the shared code down, or the importer up`);
    }
    for (const r of FOLDER_RULES) {
      if (!from.startsWith(r.folder) || to.startsWith(r.folder) || (r.except && from.startsWith(r.except))) continue;
      if ((r.only && !within(to, r.only)) || (r.never && within(to, r.never))) out.push(`${from} imports ${to}: ${r.folder} ${r.only ? `may import ${r.only.length ? `only ${r.only.join(', ')}` : 'nothing of lib'}` : `must not import ${r.never!.join(', ')}`} (${r.why})`);
    }
  }
  return out;
}

/** Import cycles between lib files (Tarjan's strongly connected components of two files or more), each sorted. */
export function cycles({ files, imports }: { files: string[]; imports: Import[] }): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const i of imports) next.get(i.from)?.push(i.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!next.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found.sort((x, y) => x[0].localeCompare(y[0]));
}

export const isKnownCycle = (c: string[]) => KNOWN_CYCLES.some((k) => k.length === c.length && k.every((f) => c.includes(f)));

/** A file's folder for the folder graph: lib/<folder> (models/<family> and backend/<part> one deeper), or the top-level file. */
const folderOf = (file: string) => {
  const p = file.split('/');
  const deep = (p[1] === 'models' || p[1] === 'backend') && p.length > 3;
  return p.length === 2 ? p[1].replace(/\.ts$/, '') : deep ? `${p[1]}/${p[2]}` : p[1];
};

/** Folder → the other folders it imports (lib-relative). */
export function folderGraph(g: { imports: Import[] }): Map<string, string[]> {
  const m = new Map<string, Set<string>>();
  for (const { from, to } of g.imports) {
    if (!to.startsWith('lib/')) continue;
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a === b) continue;
    if (!m.has(a)) m.set(a, new Set());
    m.get(a)!.add(b);
  }
  return new Map([...m].sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, [...v].sort()]));
}

/** The diagram ARCHITECTURE.md holds between its import-layers markers: layers, what each imports, the rules. */
export function diagram(g: { files: string[]; imports: Import[] }): string {
  const uses = LAYERS.map(() => new Set<number>());
  for (const { from, to } of g.imports) {
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a >= 0 && b >= 0 && a !== b) uses[a].add(b);
  }
  const lines: string[] = [];
  LAYERS.forEach((l, i) => {
    const below = [...uses[i]].sort().map((j) => LAYERS[j].name);
    lines.push(`[${l.name}] ${l.job}`);
    lines.push(`    ${l.members.map((m) => m.replace(/^lib\//, '')).join('  ')}`);
    lines.push(`    imports from: ${below.join(', ') || '(no other layer)'}`);
    if (i < LAYERS.length - 1) lines.push('        │');
  });
  lines.push('');
  lines.push('Folder rules (beyond the order above):');
  for (const r of FOLDER_RULES) {
    const what = r.only ? (r.only.length ? `imports only ${r.only.join(', ')}` : 'imports nothing of lib') : `never imports ${r.never!.join(', ')}`;
    lines.push(`  ${(r.folder + (r.except ? ` (not ${r.except.slice(r.folder.length)})` : '')).padEnd(31)} ${what}`);
  }
  return lines.join('\n');
}

export const DOC = path.join(ROOT, 'ARCHITECTURE.md');
export const BEGIN = '<!-- import-layers:begin (generated: node --import tsx scripts/import-layers.ts --write) -->';
export const END = '<!-- import-layers:end -->';

/** The generated block as ARCHITECTURE.md should hold it. */
export const docBlock = (g: { files: string[]; imports: Import[] }) => `${BEGIN}\n\`\`\`\n${diagram(g)}\n\`\`\`\n${END}`;

function main(): void {
  const args = process.argv.slice(2);
  const g = libImports();
  if (args.includes('--folders')) {
    for (const [a, bs] of folderGraph(g)) console.log(`${a.padEnd(20)} → ${bs.join(', ')}`);
    return;
  }
  if (args.includes('--write')) {
    const doc = fs.readFileSync(DOC, 'utf8');
    const [i, j] = [doc.indexOf(BEGIN), doc.indexOf(END)];
    if (i < 0 || j < i) throw new Error(`${DOC} has no ${BEGIN} … ${END} block; add the two marker lines where the diagram goes, then rerun.`);
    const tmp = `${DOC}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, doc.slice(0, i) + docBlock(g) + doc.slice(j + END.length));
    fs.renameSync(tmp, DOC);
    console.log(`wrote the layer diagram into ${rel(DOC)}`);
    return;
  }
  console.log(diagram(g));
  const bad = violations(g);
  const cyc = cycles(g);
  for (const v of bad) console.log(`VIOLATION ${v}`);
  for (const c of cyc) console.log(`${isKnownCycle(c) ? 'known cycle' : 'CYCLE'} ${c.join(' ↔ ')}`);
  if (bad.length || cyc.some((c) => !isKnownCycle(c))) process.exitCode = 1;
}

if (require.main === module) main();

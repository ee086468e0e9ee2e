/**
 * Execute notebooks headlessly in real Jupyter on the tslab kernel:
 *   node --import tsx scripts/run-notebooks.ts [--profile quick|paper] [--figures DIR] [--twice] [--jobs N] [00 03 ...]
 * --twice runs every cell twice over in one kernel (a user re-running the whole notebook).
 * --jobs N runs N notebooks at once (default: the number of CPU cores, at most 2): the wasm backend
 * computes on one thread, so one notebook leaves the second core idle. Each notebook gets
 * MNIST_LAB_THREADS = cores ÷ notebooks at once: the threads its background training may use.
 * A notebook whose metadata says `"mnist_lab": {"runs_after_others": true}` (the leaderboard) starts when all the others are done.
 * Executed copies go to notebooks/.executed/ (ignored). tslab reports a throwing cell only on its
 * stderr and then silently skips the remaining cells, and nbconvert's own error is empty; so each
 * run gets a sentinel last cell, and a run whose sentinel did not print failed: we print the
 * failing cell's number and its real error text.
 */
import { spawn } from 'child_process';
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const nbDir = path.join(root, 'notebooks');
const outDir = path.join(nbDir, '.executed');
const SENTINEL = '__MNIST_LAB_NOTEBOOK_DONE__';

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
  id?: string;
  metadata?: { execution?: Record<string, string> };
  execution_count?: number | null;
}

const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

function parseArgs(argv: string[]) {
  let profile = process.env.MNIST_LAB_PROFILE ?? 'quick';
  let figures: string | undefined;
  let timeout = 1800;
  let twice = false;
  let jobs = Math.min(2, os.cpus().length);
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile') profile = argv[++i];
    else if (a === '--figures') figures = path.resolve(argv[++i]);
    else if (a === '--timeout') timeout = Number(argv[++i]);
    else if (a === '--twice') twice = true;
    else if (a === '--jobs') jobs = Math.max(1, Number(argv[++i]) || 1);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}; use --profile quick|paper, --figures DIR, --timeout SECONDS, --twice, --jobs N`);
    else names.push(a);
  }
  if (profile !== 'quick' && profile !== 'paper') throw new Error(`--profile ${profile}: use quick or paper`);
  return { profile, figures, timeout, twice, jobs, names };
}

function pickNotebooks(names: string[]): string[] {
  const all = fs.readdirSync(nbDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  if (names.length === 0) return all;
  return names.map((n) => {
    const hit = all.find((f) => f === n || f === `${n}.ipynb` || f.startsWith(`${n}-`) || f === path.basename(n));
    if (!hit) throw new Error(`no notebook matches "${n}"; have: ${all.join(', ')}`);
    return hit;
  });
}

/** nbconvert as a child process; resolves with its exit status and the tail of its stderr. */
function nbconvert(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('jupyter', ['nbconvert', ...args], { env, cwd: nbDir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
    });
    p.on('error', (e) => resolve({ status: `spawn error ${e.message}`, stderr }));
    p.on('close', (code, signal) => resolve({ status: code ?? signal ?? 'unknown', stderr }));
  });
}

const runsAfterOthers = (file: string): boolean => {
  const nb = JSON.parse(fs.readFileSync(path.join(nbDir, file), 'utf8'));
  return Boolean(nb.metadata?.mnist_lab?.runs_after_others);
};

/** The slowest code cells of an executed notebook (nbconvert's recorded timing), as "cell 14 151 s, …". */
function slowestCells(cells: Cell[], k = 3): string {
  const times = cells
    .map((c, i) => {
      const e = c.metadata?.execution;
      const t0 = e?.['iopub.status.busy'], t1 = e?.['iopub.status.idle'];
      return { i: i + 1, s: t0 && t1 ? (Date.parse(t1) - Date.parse(t0)) / 1000 : NaN };
    })
    .filter((t) => Number.isFinite(t.s))
    .sort((a, b) => b.s - a.s);
  return times.slice(0, k).map((t) => `cell ${t.i} ${t.s.toFixed(0)} s`).join(', ');
}

/** Returns { error: null, slowest } on success, else a report naming the failing cell and its error text. */
async function runOne(file: string, env: NodeJS.ProcessEnv, timeout: number, twice: boolean): Promise<{ error: string | null; slowest?: string }> {
  const nb = JSON.parse(fs.readFileSync(path.join(nbDir, file), 'utf8'));
  if (twice) nb.cells = [...nb.cells, ...nb.cells.map((c: Cell) => ({ ...c, id: `${c.id ?? 'c'}-again` }))];
  nb.cells.push({ cell_type: 'code', id: 'sentinel', metadata: {}, execution_count: null, outputs: [], source: `console.log("${SENTINEL}")` });
  // The copy stays in notebooks/: tslab compiles only files under the kernel's folder (./lib).
  const tmp = path.join(nbDir, `.run-${process.pid}-${file}`);
  fs.writeFileSync(tmp, JSON.stringify(nb));
  fs.mkdirSync(outDir, { recursive: true });
  try {
    const r = await nbconvert(
      ['--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.timeout=${timeout}`, '--ExecutePreprocessor.record_timing=True',
        '--ExecutePreprocessor.kernel_name=tslab', '--output-dir', outDir, '--output', file, tmp],
      env,
    );
    if (r.status !== 0) {
      return { error: `jupyter nbconvert exited ${r.status}:\n${(r.stderr ?? '').split('\n').slice(-25).join('\n')}` };
    }
    const done = JSON.parse(fs.readFileSync(path.join(outDir, file), 'utf8'));
    const cells: Cell[] = done.cells;
    const code = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === 'code');
    const sentinel = code[code.length - 1].c;
    if ((sentinel.outputs ?? []).some((o) => text(o.text).includes(SENTINEL))) {
      // Drop the sentinel from the executed copy.
      done.cells.pop();
      fs.writeFileSync(path.join(outDir, file), JSON.stringify(done, null, 1));
      return { error: null, slowest: slowestCells(done.cells) };
    }
    // The failing cell is the last one that printed anything on stderr (or an error output).
    const failing = [...code].reverse().find(({ c }) => (c.outputs ?? []).some((o) => o.output_type === 'error' || o.name === 'stderr'));
    if (!failing) return { error: 'the run stopped before its last cell without an error message (kernel died or was interrupted).' };
    const msg = (failing.c.outputs ?? [])
      .filter((o) => o.output_type === 'error' || o.name === 'stderr')
      .map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o.text)))
      .join('')
      .trim();
    const src = text(failing.c.source).split('\n').slice(0, 6).join('\n');
    return { error: `cell ${failing.i + 1} failed:\n--- source ---\n${src}\n--- error ---\n${msg}` };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function main() {
  const { profile, figures, timeout, twice, jobs, names } = parseArgs(process.argv.slice(2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MNIST_LAB_PROFILE: profile,
    MNIST_LAB_ROOT: root,
    JUPYTER_PATH: path.join(root, '.jupyter-local', 'share', 'jupyter'),
  };
  if (figures) env.MNIST_LAB_FIGURES = figures;
  if (!fs.existsSync(path.join(root, '.jupyter-local', 'share', 'jupyter', 'kernels', 'tslab'))) {
    console.error('the tslab kernel is not registered; run `bash scripts/setup.sh` first.');
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  const run = async (file: string): Promise<void> => {
    const t0 = Date.now();
    process.stdout.write(`▶ ${file} (profile ${profile}) ...\n`);
    const r = await runOne(file, env, timeout, twice);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (r.error) {
      failed++;
      console.log(`✗ ${file} failed after ${secs} s — ${r.error}\n`);
    } else {
      passed++;
      console.log(`✓ ${file} ran in ${secs} s (slowest: ${r.slowest || 'no timing recorded'})`);
    }
  };
  const t0 = Date.now();
  const files = pickNotebooks(names);
  const queue = files.filter((f) => !runsAfterOthers(f));
  // Threads per notebook (lib/train/background.ts): the cores shared by the notebooks running at once.
  const atOnce = Math.max(1, Math.min(jobs, queue.length));
  env.MNIST_LAB_THREADS ??= String(Math.max(1, Math.floor(os.cpus().length / atOnce)));
  // A pool of `jobs` workers, each taking the next notebook in order.
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) await run(f);
  }));
  for (const f of files.filter(runsAfterOthers)) await run(f);
  console.log(`notebooks: ${passed} passed, ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s wall with ${jobs} at a time`);
  process.exit(failed ? 1 : 0);
}

void main();

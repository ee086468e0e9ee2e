/**
 * Execute notebooks headlessly in real Jupyter on the tslab kernel:
 *   node --import tsx scripts/run-notebooks.ts [--profile quick|paper] [--figures DIR] [--notebooks DIR]
 *     [--timeout SECONDS] [--twice] [--jobs N] [00 03 ...]
 * --twice runs every cell twice over in one kernel (a user re-running the whole notebook).
 * --jobs N runs N notebooks at once (default: the number of CPU cores, at most 2): the wasm backend
 * computes on one thread, so one notebook leaves the second core idle. Each notebook gets
 * MNIST_LAB_THREADS = cores ÷ notebooks at once: the threads its background training may use.
 * --notebooks DIR takes the notebooks from DIR instead of notebooks/ (DIR/lib must link to lib/, as
 * notebooks/lib does). The profile is --profile, else MNIST_LAB_PROFILE (any case), else quick.
 * A notebook whose metadata says `"mnist_lab": {"runs_after_others": true}` (the leaderboard) starts when all the others are done.
 *
 * Executed notebooks (ignored by git; see scripts/runner/outputs.ts):
 *   notebooks/.executed/<profile>/<file>          the last successful run of each notebook in that profile
 *   notebooks/.executed/<profile>/failed/<file>   its last failed run, until it passes again
 * Each runner executes into a private folder and publishes by one rename, so runners at once never
 * read each other's half-written files. SIGINT, SIGTERM and SIGHUP end the running nbconvert, its
 * kernel and the kernel's children, and remove the runner's temp files. A SIGKILLed runner cannot
 * do that: the next start ends the runs it left and removes its temp files. A bad setting or flag exits 2 with a message naming it and the fix.
 */
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { checkSettings, SettingError } from '../lib/settings';
import { parseArgs, RunnerOptions } from './runner/args';
import { endTree, killTreeNow, nbconvert, runningChildren } from './runner/processes';
import { RunFiles } from './runner/outputs';
import { Notebook, verdict, withSentinel } from './runner/verdict';

const root = path.resolve(__dirname, '..');
let stopping = false;

const readNotebook = (p: string): Notebook => JSON.parse(fs.readFileSync(p, 'utf8'));

function pickNotebooks(nbDir: string, names: string[]): string[] {
  const all = fs.readdirSync(nbDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  if (names.length === 0) return all;
  return [...new Set(names.map((n) => {
    const hit = all.find((f) => f === n || f === `${n}.ipynb` || f.startsWith(`${n}-`) || f === path.basename(n));
    if (!hit) throw new SettingError(`no notebook matches "${n}" in ${nbDir}; have: ${all.join(', ') || 'none'}`);
    return hit;
  }))];
}

/**
 * tslab compiles only files under the kernel's folder, so a notebooks folder needs lib/ linked into it;
 * and it resolves lib's packages from the link's path, so node_modules must be found above the folder.
 */
function checkLinks(nbDir: string): void {
  const link = path.join(nbDir, 'lib');
  const ok = fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(path.join(root, 'lib'));
  if (!ok) throw new SettingError(`--notebooks ${nbDir}: ${link} does not lead to ${path.join(root, 'lib')}; link it as notebooks/lib is: ln -s ${path.join(root, 'lib')} ${link}`);
  try {
    require.resolve('@tensorflow/tfjs', { paths: [nbDir] });
  } catch {
    const nm = path.join(path.dirname(nbDir), 'node_modules');
    throw new SettingError(`--notebooks ${nbDir}: lib's packages are not found from there; link them beside it: ln -s ${path.join(root, 'node_modules')} ${nm}`);
  }
}

/** Returns { error: null, slowest } on success, else a report naming the failing cell and its error text. */
async function runOne(file: string, o: RunnerOptions, files: RunFiles, env: NodeJS.ProcessEnv): Promise<{ error: string | null; slowest?: string }> {
  const copy = files.tempCopy(file, withSentinel(readNotebook(path.join(o.notebooks, file)), o.twice));
  try {
    const r = await nbconvert(
      ['--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.timeout=${o.timeout}`, '--ExecutePreprocessor.record_timing=True',
        '--ExecutePreprocessor.kernel_name=tslab', '--output-dir', files.outputDir(), '--output', file, copy],
      env, o.notebooks,
    );
    if (stopping) return { error: 'stopped' };
    if (r.status !== 0) {
      return { error: `jupyter nbconvert exited ${r.status}:\n${(r.stderr ?? '').split('\n').slice(-25).join('\n')}` };
    }
    const v = verdict(readNotebook(path.join(files.outputDir(), file)));
    const where = files.publish(file, v.notebook, v.error !== null);
    return v.error ? { error: `${v.error}\n(executed copy: ${path.relative(process.cwd(), where)})` } : { error: null, slowest: v.slowest };
  } finally {
    files.removeCopy(copy);
  }
}

/** SIGINT, SIGTERM, SIGHUP: end every running notebook's process tree, remove our temp files, exit 128 + signal. */
function endOnSignals(files: RunFiles): void {
  const stop = async (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const children = runningChildren();
    console.log(`\n${sig}: ending ${children.length} running notebook(s) with their kernels`);
    await Promise.all(children.map((pid) => endTree(pid)));
    files.cleanUp();
    process.exit(128 + (os.constants.signals[sig] ?? 0));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(sig));
  // Any other way out (an uncaught error): no kernel may outlive the runner.
  process.on('exit', () => {
    for (const pid of runningChildren()) killTreeNow(pid);
    files.cleanUp();
  });
}

async function main() {
  let o: RunnerOptions;
  let files: string[];
  try {
    checkSettings();
    o = parseArgs(process.argv.slice(2), root);
    checkLinks(o.notebooks);
    files = pickNotebooks(o.notebooks, o.names);
  } catch (e) {
    if (!(e instanceof SettingError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MNIST_LAB_PROFILE: o.profile,
    MNIST_LAB_ROOT: root,
    JUPYTER_PATH: path.join(root, '.jupyter-local', 'share', 'jupyter'),
  };
  if (o.figures) env.MNIST_LAB_FIGURES = o.figures;
  if (!fs.existsSync(path.join(root, '.jupyter-local', 'share', 'jupyter', 'kernels', 'tslab'))) {
    console.error('the tslab kernel is not registered; run `bash scripts/setup.sh` first.');
    process.exit(2);
  }
  if (o.profileNote) console.log(o.profileNote);
  const out = new RunFiles(o.notebooks, o.twice ? `${o.profile}-twice` : o.profile);
  endOnSignals(out);
  const stale = await out.removeStale();
  if (stale.orphans) console.log(`ended ${stale.orphans} notebook run(s) left running by a killed runner`);
  if (stale.files.length) console.log(`removed ${stale.files.length} temp file(s) of killed runs: ${stale.files.map((p) => path.basename(p)).join(', ')}`);
  let passed = 0;
  let failed = 0;
  const run = async (file: string): Promise<void> => {
    const t0 = Date.now();
    process.stdout.write(`▶ ${file} (profile ${o.profile}) ...\n`);
    const r = await runOne(file, o, out, env);
    if (stopping) return;
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
  const runsAfterOthers = (f: string) => Boolean(readNotebook(path.join(o.notebooks, f)).metadata?.mnist_lab?.runs_after_others);
  const queue = files.filter((f) => !runsAfterOthers(f));
  // Threads per notebook (lib/train/background.ts): the cores shared by the notebooks running at once.
  const atOnce = Math.max(1, Math.min(o.jobs, queue.length));
  if (!env.MNIST_LAB_THREADS) env.MNIST_LAB_THREADS = String(Math.max(1, Math.floor(os.cpus().length / atOnce)));
  // A pool of `jobs` workers, each taking the next notebook in order.
  await Promise.all(Array.from({ length: Math.min(o.jobs, queue.length) }, async () => {
    for (let f = queue.shift(); f !== undefined && !stopping; f = queue.shift()) await run(f);
  }));
  for (const f of files.filter(runsAfterOthers)) if (!stopping) await run(f);
  if (stopping) return;
  out.cleanUp();
  console.log(`notebooks: ${passed} passed, ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s wall with ${o.jobs} at a time`);
  process.exit(failed ? 1 : 0);
}

void main();

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { after, test } from 'node:test';
import { ScratchNotebooks } from './scratch-notebooks';

const nbs = new ScratchNotebooks();
after(() => nbs.remove());

interface Ps { pid: number; ppid: number; args: string }
const ps = (): Ps[] =>
  execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n').map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(l)!;
    return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] };
  });
const tree = (root: number): Ps[] => {
  const all = ps();
  const out = all.filter((p) => p.pid === root);
  for (let i = 0; i < out.length; i++) out.push(...all.filter((p) => p.ppid === out[i].pid));
  return out;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`${sig} mid-notebook ends nbconvert and the tslab kernel within seconds and removes the .run-* copy`, async () => {
    nbs.write('91-sleep.ipynb', ['await new Promise((r) => setTimeout(r, 60000));\nconsole.log("slept");']);
    const runner = nbs.start(['91']);
    const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
    let kernel: Ps | undefined;
    for (let t = 0; t < 120 && !kernel; t++) {
      await sleep(500);
      kernel = tree(runner.pid!).find((p) => p.args.includes('tslab kernel'));
    }
    assert.ok(kernel, 'the kernel started');
    await sleep(1500); // the cell is running
    // The run's processes: nbconvert, the kernel and theirs (not tsx's esbuild, which ends with the runner's pipe).
    const before = tree(runner.pid!).filter((p) => p.pid !== runner.pid && !p.args.includes('esbuild'));
    assert.ok(before.some((p) => p.args.includes('nbconvert')));
    assert.equal(nbs.leftovers().filter((f) => f.startsWith('.run-')).length, 1);

    const t0 = Date.now();
    runner.kill(sig);
    assert.equal(await exited, 128 + os.constants.signals[sig]);
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(seconds < 6, `the runner took ${seconds} s to stop`);
    const alive = new Set(ps().map((p) => p.pid));
    assert.deepEqual(before.filter((p) => alive.has(p.pid)).map((p) => p.args.slice(0, 80)), [], 'no process of the run survives');
    assert.deepEqual(ps().filter((p) => p.args.includes(`.run-${runner.pid}-`)), []);
    assert.deepEqual(nbs.leftovers(), []);
  });
}

test('SIGKILL cannot be handled: the next runner ends the run it left behind and removes its files', async () => {
  nbs.write('91-sleep.ipynb', ['await new Promise((r) => setTimeout(r, 60000));\nconsole.log("slept");']);
  const runner = nbs.start(['91']);
  let orphans: Ps[] = [];
  for (let t = 0; t < 120 && !orphans.some((p) => p.args.includes('tslab kernel')); t++) {
    await sleep(500);
    orphans = tree(runner.pid!).filter((p) => p.pid !== runner.pid && !p.args.includes('esbuild'));
  }
  runner.kill('SIGKILL');
  await new Promise((r) => runner.on('exit', r));
  await sleep(1000);
  const alive = () => new Set(ps().map((p) => p.pid));
  assert.ok(orphans.every((p) => alive().has(p.pid)), 'nbconvert and the kernel run on without their runner');
  assert.equal(nbs.leftovers().filter((f) => f.startsWith('.run-')).length, 1);

  nbs.write('90-tiny.ipynb', ['console.log(1)']);
  const r = nbs.run(['90']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ended 1 notebook run\(s\) left running by a killed runner/);
  const now = alive();
  assert.deepEqual(orphans.filter((p) => now.has(p.pid)).map((p) => p.args.slice(0, 80)), []);
  assert.deepEqual(nbs.leftovers(), []);
});

import { strict as assert } from 'node:assert';
import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ScratchNotebooks } from './scratch-notebooks';

const nbs = new ScratchNotebooks();
after(() => nbs.remove());

const finish = (p: ChildProcess): Promise<{ code: number | null; out: string }> =>
  new Promise((resolve) => {
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });

test('two runners at once on the same notebook both pass, 5 tries out of 5, and leave nothing behind', async () => {
  // Before: each runner wrote and re-read the same .executed/<file>; 4 of 10 runners failed this way.
  nbs.write('90-tiny.ipynb', ['const x = 6 * 7;\nconsole.log(`answer ${x}`);']);
  for (let i = 0; i < 5; i++) {
    const [a, b] = await Promise.all([finish(nbs.start(['90'])), finish(nbs.start(['90']))]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, `try ${i + 1}: ${r.out}`);
      assert.match(r.out, /notebooks: 1 passed, 0 failed/);
    }
    assert.deepEqual(nbs.leftovers(), [], `try ${i + 1}`);
    const done = JSON.parse(fs.readFileSync(nbs.executed('quick', '90-tiny.ipynb'), 'utf8'));
    assert.equal(done.cells.length, 1, 'the published copy has no sentinel cell');
    assert.match(done.cells[0].outputs[0].text.join(''), /answer 42/);
  }
  assert.ok(!fs.existsSync(nbs.executed('quick', 'failed')));
});

test('temp files of a killed runner (dead pid) are removed at the next start; a live runner\'s are kept', () => {
  nbs.write('90-tiny.ipynb', ['console.log(1)']);
  const dead = 2 ** 22 + 12345; // above the kernel's default pid_max: never a live process
  const deadCopy = path.join(nbs.dir, `.run-${dead}-0-90-tiny.ipynb`);
  const deadDir = nbs.executed('.tmp', `quick-${dead}-abc123`);
  const liveCopy = path.join(nbs.dir, `.run-${process.pid}-0-90-tiny.ipynb`);
  fs.writeFileSync(deadCopy, '{}');
  fs.mkdirSync(deadDir, { recursive: true });
  fs.writeFileSync(path.join(deadDir, '90-tiny.ipynb'), '{');
  fs.writeFileSync(liveCopy, '{}');
  try {
    const r = nbs.run(['90']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /removed 2 temp file\(s\) of killed runs/);
    assert.ok(!fs.existsSync(deadCopy));
    assert.ok(!fs.existsSync(deadDir));
    assert.ok(fs.existsSync(liveCopy));
  } finally {
    fs.rmSync(liveCopy, { force: true });
  }
});

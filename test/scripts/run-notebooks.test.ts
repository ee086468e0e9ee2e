import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ScratchNotebooks } from './scratch-notebooks';

const nbs = new ScratchNotebooks();
after(() => nbs.remove());

test('a notebook with a throwing cell makes the runner exit non-zero with that cell\'s number and message', () => {
  nbs.write('98-throwing.ipynb', ['const a = 1;', "throw new Error('the real message: check your data');", 'console.log("never")']);
  const r = nbs.run(['98']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /98-throwing\.ipynb failed .* cell 2 failed/);
  assert.match(r.stdout, /Error: the real message: check your data/);
  assert.match(r.stdout, /notebooks: 0 passed, 1 failed/);
  // The failed run is kept for reading, not at the path of the last successful one.
  assert.match(r.stdout, /executed copy: .*\.executed\/quick\/failed\/98-throwing\.ipynb/);
  assert.ok(fs.existsSync(nbs.executed('quick', 'failed', '98-throwing.ipynb')));
  assert.ok(!fs.existsSync(nbs.executed('quick', '98-throwing.ipynb')));
  assert.deepEqual(nbs.leftovers(), []);
});

test('--jobs 2 runs notebooks side by side and a runs_after_others notebook after them', () => {
  // 97-a writes a mark after 3 s; 97-b (runs after others) must see it, although it sorts after 97-a
  // only by name: with 2 jobs both would otherwise start at once.
  const mark = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-')), 'a-done');
  nbs.write('97-a.ipynb', [`await new Promise((r) => setTimeout(r, 3000)); require('fs').writeFileSync(${JSON.stringify(mark)}, 'x');`]);
  nbs.write('97-b.ipynb', [`if (!require('fs').existsSync(${JSON.stringify(mark)})) throw new Error('ran before 97-a finished');`], { mnist_lab: { runs_after_others: true } });
  const r = nbs.run(['--jobs', '2', '97-a', '97-b']);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /notebooks: 2 passed, 0 failed, \d+ s wall with 2 at a time/);
  // Published at the profile's stable path, without the runner's sentinel cell.
  const done = JSON.parse(fs.readFileSync(nbs.executed('quick', '97-b.ipynb'), 'utf8'));
  assert.equal(done.cells.length, 1);
  fs.rmSync(path.dirname(mark), { recursive: true, force: true });
});

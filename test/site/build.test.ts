import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { PNG } from 'pngjs';
import { buildSite, SiteOptions } from '../../scripts/site/build';
import { Cell, Notebook } from '../../scripts/site/notebook';
import { parseSiteArgs } from '../../scripts/site';
import { notAttemptedRows, upsertClaimRows } from '../../lib/eval/claims/ledger';
import { PaperClaim } from '../../lib/eval/claims/types';
import { setRunContext } from '../../lib/run-context';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-lab-site-build-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const png = (() => {
  const p = new PNG({ width: 2, height: 2 });
  p.data.fill(200);
  return PNG.sync.write(p).toString('base64');
})();

const ran = { execution: { 'iopub.status.busy': '2026-01-01T00:00:00Z' } };
const md = (id: string, source: string, slide = '-'): Cell => ({ id, cell_type: 'markdown', source, metadata: { slideshow: { slide_type: slide } } });
const code = (id: string, outputs: Cell['outputs'], slide = '-'): Cell => ({ id, cell_type: 'code', source: `show('${id}')`, metadata: { ...ran, slideshow: { slide_type: slide } }, outputs, execution_count: null });
const html = (s: string) => ({ output_type: 'display_data', data: { 'text/html': s }, metadata: {} });
const image = () => ({ output_type: 'display_data', data: { 'image/png': png }, metadata: {} });

function notebook(extra: Cell[] = []): Notebook {
  return {
    cells: [
      md('a', '# 09 · A test notebook\n\nWhy: $x_i^2$.', 'slide'),
      code('b', [html('<script>if (!window.Plotly) {/* the 4.8 MB bundle */}</script>'), html('<div id="plotly-x"></div><script>Plotly.newPlot("plotly-x",[],{})</script>')]),
      md('c', '## Results', 'slide'),
      code('d', [html('<progress value="1" max="1"></progress>'), { output_type: 'stream', name: 'stdout', text: ['trained\n'] }, image()]),
      code('e', [image()], 'subslide'),
      md('f', 'A skipped note', 'skip'),
      ...extra,
    ],
    metadata: {},
    nbformat: 4,
  };
}

/** A project-like folder: notebooks/ (sources), executed/, figures/; returns build options. */
function fixture(name: string, nb: Notebook = notebook()): SiteOptions {
  const root = path.join(scratch, name);
  for (const d of ['notebooks', 'executed', 'figures']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const source = { ...nb, cells: nb.cells.map(({ outputs: _, ...c }) => ({ ...c, outputs: c.cell_type === 'code' ? [] : undefined })) };
  fs.writeFileSync(path.join(root, 'notebooks', '09-test.ipynb'), JSON.stringify(source));
  fs.writeFileSync(path.join(root, 'executed', '09-test.ipynb'), JSON.stringify(nb));
  fs.writeFileSync(path.join(root, 'figures', 'leaderboard.csv'), 'method,paper,notebook,judgeAccuracy\nours,009,09,0.9\n');
  fs.writeFileSync(path.join(root, 'README.md'), '| `09-test` | Someone (2026) | a test |\n');
  return { executedDir: path.join(root, 'executed'), notebooksDir: path.join(root, 'notebooks'), figuresDir: path.join(root, 'figures'), outDir: path.join(root, 'site'), readmeFile: path.join(root, 'README.md'), profile: 'quick', maxBytes: 30e6 };
}

test('a site: page with every output, deck by the metadata, one plotly.js, images stored once', () => {
  const o = fixture('ok');
  const r = buildSite(o);
  const page = fs.readFileSync(path.join(o.outDir, '09-test.html'), 'utf8');
  const deck = fs.readFileSync(path.join(o.outDir, 'slides', '09-test.html'), 'utf8');
  const index = fs.readFileSync(path.join(o.outDir, 'index.html'), 'utf8');
  assert.doesNotMatch(page + deck, /the 4\.8 MB bundle/);
  assert.match(page, /<script src="assets\/plotly\.min\.js"><\/script>/);
  assert.match(deck, /<script src="\.\.\/assets\/plotly\.min\.js"><\/script>/);
  assert.ok(fs.statSync(path.join(o.outDir, 'assets', 'plotly.min.js')).size > 1e6);
  assert.equal(fs.readdirSync(path.join(o.outDir, 'img')).length, 1, 'two identical images are one file');
  assert.equal((page.match(/<img src="img\/[0-9a-f]{16}\.png"/g) ?? []).length, 2);
  assert.match(page, /class="katex"/);
  assert.match(page, /<details class="code" open>/);
  assert.match(page, /<progress/);
  assert.match(page, /trained/);
  assert.match(page, /A skipped note/);
  // Deck: [title], [results + a subslide], code hidden, logs and skipped cells left out.
  assert.deepEqual(r.notebooks[0].slides, [1, 2]);
  assert.match(deck, /<pre class="deck-code">/);
  assert.doesNotMatch(deck, /<progress|trained|A skipped note/);
  assert.match(deck, /assets\/reveal\/reveal\.js/);
  assert.match(index, /Someone \(2026\)/);
  assert.match(index, /href="09-test\.html"/);
  assert.match(index, /href="slides\/09-test\.html"/);
  assert.match(index, /<td>ours<\/td>/);
  assert.match(index, /claims ledger \(figures\/claims\.csv\) is not built yet/);
  assert.ok(r.bytes > 1e6 && r.files > 10);
});

test('the claims ledger is shown when figures/claims.csv exists; screenshots/ survive a rebuild', () => {
  const o = fixture('claims');
  buildSite(o);
  fs.mkdirSync(path.join(o.outDir, 'screenshots'));
  fs.writeFileSync(path.join(o.outDir, 'screenshots', 'page.png'), 'x');
  setRunContext({ notebook: 'script', profile: 'quick', seed: 1, backend: 'cpu' });
  const claim: PaperClaim = { id: '003-a-claim', paper: '003', where: '§1', statement: 'a, "quoted" claim', paperValue: null, notebook: '03', attempted: false, reason: 'not measured here: a claim made up for this test' };
  upsertClaimRows(notAttemptedRows([claim]), path.join(o.figuresDir, 'claims.csv'));
  buildSite(o);
  const index = fs.readFileSync(path.join(o.outDir, 'index.html'), 'utf8');
  assert.match(index, /003-a-claim: a, &quot;quoted&quot; claim/);
  assert.match(index, />not attempted<br><small>not measured here: a claim made up for this test<\/small>/);
  assert.equal(fs.readFileSync(path.join(o.outDir, 'screenshots', 'page.png'), 'utf8'), 'x');
});

test('a failed build names the problem and the fix, and leaves the previous site whole', () => {
  const o = fixture('fail');
  buildSite(o);
  const before = fs.readFileSync(path.join(o.outDir, '09-test.html'), 'utf8');
  assert.throws(() => buildSite({ ...o, maxBytes: 1e6 }), /over the 1 MB limit .*--max-mb/);
  const remote = notebook([code('g', [html('<script src="https://cdn.example.org/x.js"></script>')])]);
  fs.writeFileSync(path.join(o.executedDir, '09-test.ipynb'), JSON.stringify(remote));
  assert.throws(() => buildSite(o), /09-test\.html would load https:\/\/cdn\.example\.org\/x\.js from the network/);
  const unrun = notebook([{ id: 'h', cell_type: 'code', source: 'f()', metadata: {}, outputs: [] }]);
  fs.writeFileSync(path.join(o.executedDir, '09-test.ipynb'), JSON.stringify(unrun));
  assert.throws(() => buildSite(o), /code cells 6 never ran .*npm run notebooks -- 09 --profile quick/);
  fs.rmSync(path.join(o.executedDir, '09-test.ipynb'));
  assert.throws(() => buildSite(o), /no executed copy in .*09-test\.ipynb.*npm run notebooks -- 09 --profile quick/);
  assert.equal(fs.readFileSync(path.join(o.outDir, '09-test.html'), 'utf8'), before);
  assert.deepEqual(fs.readdirSync(path.dirname(o.outDir)).filter((f) => f.includes('.building-') || f.includes('.old-')), []);
});

test('a bad slide type is an error naming the cell and the allowed values', () => {
  const nb = notebook();
  nb.cells[2].metadata = { slideshow: { slide_type: 'sldie' } };
  const o = fixture('badslide', nb);
  assert.throws(() => buildSite(o), /cell 2: slideshow\.slide_type "sldie" is not one of slide, subslide/);
});

test('npm run site options: executed folder by profile, docs/ only for quick', () => {
  const a = parseSiteArgs(['--executed', scratch, '--out', path.join(scratch, 'o')], {});
  assert.equal(a.profile, 'quick');
  assert.equal(a.executedDir, scratch);
  assert.throws(() => parseSiteArgs(['--profile', 'paper', '--executed', scratch], {}), /for the paper profile pass --out DIR/);
  assert.throws(() => parseSiteArgs(['--profile', 'fast'], {}), /profile "fast": use --profile quick or paper/);
  assert.throws(() => parseSiteArgs(['--executed', path.join(scratch, 'none')], {}), /no executed notebooks at .*npm run notebooks -- --profile quick/);
  assert.throws(() => parseSiteArgs(['--bogus'], {}), /unknown option --bogus/);
});

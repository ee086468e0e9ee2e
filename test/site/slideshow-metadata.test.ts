import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { Notebook } from '../../scripts/site/notebook';
import { applySlideMetadata, notebookText, slideTypes } from '../../scripts/site/slideshow-metadata';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-lab-slides-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const nb = (): Notebook => ({
  cells: [
    { id: 't', cell_type: 'markdown', source: '# 09 · Title · ü', metadata: {} },
    { id: 'k', cell_type: 'code', source: 'const x = 1', metadata: { tags: ['keep'] }, outputs: [] },
    { id: 's', cell_type: 'markdown', source: '## Section\ntext', metadata: {} },
    { id: 'f1', cell_type: 'code', source: "saveFigure('09-a', png)", metadata: {}, outputs: [] },
    { id: 'r', cell_type: 'markdown', source: 'The reading.', metadata: {} },
    { id: 'f2', cell_type: 'code', source: "await plotlyFigure('09-b', fig)", metadata: {}, outputs: [] },
    { id: 'sub', cell_type: 'markdown', source: '### Detail', metadata: {} },
    { id: 'p', cell_type: 'code', source: 'train()', metadata: {}, outputs: [] },
  ],
  metadata: { kernelspec: { name: 'tslab' } },
  nbformat: 4,
});

test('a slide per section, ### a subslide, a second figure of a section on a subslide of its own', () => {
  assert.deepEqual(slideTypes(nb(), null), ['slide', '-', 'slide', '-', '-', 'subslide', 'subslide', '-']);
});

test('the executed copy decides what shows a figure: a progress bar does not, an image does', () => {
  const executed = nb();
  executed.cells[3].outputs = [{ output_type: 'display_data', data: { 'text/html': '<progress value="1" max="1"></progress>' } }];
  executed.cells[7].outputs = [{ output_type: 'display_data', data: { 'image/png': 'AAAA' } }];
  assert.deepEqual(slideTypes(nb(), executed), ['slide', '-', 'slide', '-', '-', '-', 'subslide', '-']);
});

test('the notebook file changes only in metadata.slideshow, byte for byte elsewhere; a second run changes nothing', () => {
  const file = path.join(scratch, '09-test.ipynb');
  fs.writeFileSync(file, notebookText(nb()));
  assert.equal(applySlideMetadata(file, null), 8);
  const after1 = JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
  assert.deepEqual(after1.cells[1].metadata, { tags: ['keep'], slideshow: { slide_type: '-' } });
  const stripped = { ...after1, cells: after1.cells.map((c) => ({ ...c, metadata: Object.fromEntries(Object.entries(c.metadata ?? {}).filter(([k]) => k !== 'slideshow')) })) };
  assert.equal(notebookText(stripped), notebookText(nb()));
  assert.match(fs.readFileSync(file, 'utf8'), /Title \\u00b7 \\u00fc/);
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(applySlideMetadata(file, null), 0);
  assert.equal(fs.readFileSync(file, 'utf8'), text);
});

test('a notebook saved in another layout is refused rather than reformatted', () => {
  const file = path.join(scratch, '09-other.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb(), null, 2));
  assert.throws(() => applySlideMetadata(file, null), /09-other\.ipynb is not in nbformat's layout .*save it from Jupyter once/);
});

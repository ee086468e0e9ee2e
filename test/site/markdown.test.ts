import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractMath, firstHeading, renderMarkdown } from '../../scripts/site/markdown';

test('inline and display math are cut out before markdown, code spans and prices are left alone', () => {
  const { text, math } = extractMath('A $x_1 * y_2$ and `${x}` and $$\\sum_i a_i$$ cost $5 and $10.\n\n```ts\nconst s = `$a$`;\n```');
  assert.deepEqual(math, [
    { tex: 'x_1 * y_2', display: false },
    { tex: '\\sum_i a_i', display: true },
  ]);
  assert.match(text, /^A KATEXMATH0X and .* and KATEXMATH1X cost/);
  assert.match(text, /`\$\{x\}`/);
  assert.match(text, /cost \$5 and \$10/);
  assert.match(text, /const s = `\$a\$`;/);
});

test('a formula is typeset by KaTeX and its underscores are not emphasis', () => {
  const html = renderMarkdown('## Update\n\n$x \\leftarrow \\max(0,\\; x + \\lambda\\, C A^\\top R\\,(p - Ax))$ with *R* = rows', 'nb cell 1');
  assert.match(html, /<h2>Update<\/h2>/);
  assert.match(html, /class="katex"/);
  assert.match(html, /<em>R<\/em>/);
  assert.doesNotMatch(html, /\$x/);
});

test('a formula KaTeX cannot parse is an error naming the cell and the formula', () => {
  assert.throws(() => renderMarkdown('bad $\\frac{1}$ here', '03-x.ipynb cell 7'), /03-x\.ipynb cell 7: KaTeX cannot typeset \$\\frac\{1\}\$.*fix the formula/);
});

test('firstHeading finds the title', () => {
  assert.deepEqual(firstHeading('# 00 · The environment\n\ntext'), { level: 1, text: '00 · The environment' });
  assert.equal(firstHeading('no heading'), null);
});

import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { closeBrowser, plotlyPng } from '../../lib/plot/plotly';
import { decodePng } from '../../lib/plot/png';

after(closeBrowser);

test('plotlyPng renders a chart to a PNG of the asked size in headless Chromium', async () => {
  const png = decodePng(await plotlyPng({ data: [{ y: [3, 1, 2], type: 'scatter' }], layout: { title: { text: 'loss' } } }, 400, 300));
  assert.equal(png.width, 400);
  assert.equal(png.height, 300);
  // Not blank: the line is drawn in Plotly's first colour (#1f77b4).
  let blue = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0x1f && png.data[i + 1] === 0x77 && png.data[i + 2] === 0xb4) blue++;
  assert.ok(blue > 50, `${blue} line pixels`);
});

import type { Locator } from '@playwright/test';

export interface FirstAxisLabel {
  /** The first tick label the chart reports drawing (`data-tick-labels`). */
  label: string;
  /** Its width in CSS pixels at the axis font (bold or regular, the wider). */
  expectedWidth: number;
  /** Width of the leftmost run of drawn text on the time axis canvas, in CSS pixels. */
  inkWidth: number;
  /** Where that text starts, in CSS pixels from the axis' left edge. */
  inkLeft: number;
}

/**
 * Read the pixels of a chart's time axis (lightweight-charts draws its labels on a canvas) and measure the
 * leftmost label actually drawn: a label cut off at the left edge ("20" for "2020") is narrower than the
 * text it stands for. `chart` is the element carrying `data-tick-labels`.
 */
export async function firstAxisLabel(chart: Locator): Promise<FirstAxisLabel> {
  return chart.evaluate((el) => {
    const label = (el.getAttribute('data-tick-labels') ?? '').split('|')[0] ?? '';
    const root = el.querySelector('.tv-lightweight-charts') ?? el;
    const rows = root.querySelectorAll('table > tr, table > tbody > tr');
    const axisRow = rows[rows.length - 1];
    const canvases = Array.from(axisRow?.querySelectorAll('td canvas') ?? []) as HTMLCanvasElement[];
    // the time axis cell's main canvas is the widest canvas in the row (price-scale stubs are narrow)
    const canvas = canvases.reduce<HTMLCanvasElement | null>((best, c) => (!best || c.width > best.width ? c : best), null);
    if (!canvas) throw new Error('no time axis canvas');
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const ratio = canvas.width / canvas.clientWidth;
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    // text sits below the border and tick marks: look at the lower two thirds only
    const ink: boolean[] = new Array<boolean>(width).fill(false);
    for (let y = Math.floor(height / 3); y < height; y += 1) {
      for (let x = 0; x < width; x += 1) if ((data[(y * width + x) * 4 + 3] ?? 0) > 60) ink[x] = true;
    }
    const start = ink.indexOf(true);
    let end = start;
    const gap = 12 * ratio;  // wider than a space inside a label ("Jun 5"), narrower than between labels
    for (let x = start; x >= 0 && x < width && x - end <= gap; x += 1) if (ink[x]) end = x;
    const measure = document.createElement('canvas').getContext('2d');
    let expectedWidth = 0;
    for (const weight of ['', 'bold ']) {
      if (!measure) break;
      measure.font = `${weight}11px 'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace`;
      expectedWidth = Math.max(expectedWidth, measure.measureText(label).width);
    }
    return { label, expectedWidth, inkWidth: start < 0 ? 0 : (end - start + 1) / ratio, inkLeft: start / ratio };
  });
}


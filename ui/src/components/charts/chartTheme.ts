import { ColorType, CrosshairMode, type DeepPartial, type ChartOptions, type UTCTimestamp } from 'lightweight-charts';

export const COLORS = {
  up: '#22c57a',
  down: '#ff5d5d',
  accent: '#4cb3ff',
  benchmark: '#98a3b0',
  grid: '#161d26',
  text: '#98a3b0',
  border: '#222b37',
  volume: '#2c3745',
};

export function toSeconds(iso: string): UTCTimestamp {
  return Math.floor(new Date(iso).getTime() / 1000) as UTCTimestamp;
}

export function baseOptions(height: number): DeepPartial<ChartOptions> {
  return {
    height,
    autoSize: false,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: COLORS.text,
      fontSize: 11,
      fontFamily: "'JetBrains Mono', ui-monospace, Menlo, Consolas, monospace",
      panes: { separatorColor: COLORS.border, separatorHoverColor: '#2c3745', enableResize: true },
      attributionLogo: false,
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    rightPriceScale: { borderColor: COLORS.border },
    // fixLeftEdge: the first bar sits at the left edge and lightweight-charts moves the first tick label
    // right to fit (it is centred on its bar otherwise, and the canvas cut "2020" to "20").
    timeScale: { borderColor: COLORS.border, rightOffset: 3, fixLeftEdge: true },
    crosshair: { mode: CrosshairMode.Normal },
  };
}

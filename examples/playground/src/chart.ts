// A two-series line chart drawn by hand on a canvas: test PSNR (left axis, dB) and training loss (right axis, MSE),
// with the noisy inputs' own MSE as a dashed baseline.

/** One point of the curve. */
export interface Point {
  step: number;
  /** Training MSE of the step (absent for the evaluation before the first step). */
  loss?: number;
  psnr?: number;
  /** Milliseconds since training started, recorded with each PSNR. */
  ms?: number;
}

const PAD = { left: 44, right: 52, top: 24, bottom: 26 };
export const COLORS = { psnr: '#1f6feb', loss: '#d9822b', baseline: '#6f42c1', grid: '#e3e6ea', text: '#444' } as const;

/** What was drawn where: the axes' value ranges and the baseline's row (the end-to-end test reads it). */
export interface ChartLayout {
  /** Left axis, dB. */
  psnr?: [number, number];
  /** Right axis, MSE. */
  mse?: [number, number];
  baseline?: { mse: number; y: number; label: string };
}

/**
 * An axis range around `values` with a little headroom, never below `floor`: MSE and PSNR (of an MSE <= 1)
 * cannot be negative, and an axis that goes below zero reads as if they could.
 */
export function axisRange(values: readonly number[], floor = 0): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [Math.max(floor, lo - pad), hi + pad];
}

/**
 * Redraws the whole chart for `points` (cheap at a few hundred points). `baselineMse`, the MSE of the noisy test
 * inputs against the clean ones, is drawn as a dashed line on the MSE axis: a network whose loss stays above it
 * does worse than returning its input.
 */
export function drawChart(canvas: HTMLCanvasElement, points: readonly Point[], baselineMse?: number): ChartLayout {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const layout: ChartLayout = {};
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  const plotW = w - PAD.left - PAD.right;
  const plotH = h - PAD.top - PAD.bottom;
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(PAD.left, PAD.top, plotW, plotH);
  const maxStep = Math.max(1, points.length ? points[points.length - 1]!.step : 1);
  const x = (step: number) => PAD.left + (step / maxStep) * plotW;
  const yOf = ([lo, hi]: [number, number]) => (v: number) => PAD.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const labels = (key: 'psnr' | 'loss', [lo, hi]: [number, number], side: 'left' | 'right', unit: string) => {
    const y = yOf([lo, hi]);
    ctx.fillStyle = COLORS[key];
    ctx.textAlign = side === 'left' ? 'right' : 'left';
    const ax = side === 'left' ? PAD.left - 4 : w - PAD.right + 4;
    for (const v of [lo, (lo + hi) / 2, hi]) ctx.fillText(v.toFixed(key === 'psnr' ? 1 : 4), ax, y(v) + 4);
    ctx.fillText(unit, ax, 12);
  };
  const curve = (key: 'psnr' | 'loss', range: [number, number]) => {
    const pts = points.filter((p) => p[key] !== undefined && Number.isFinite(p[key]));
    const y = yOf(range);
    ctx.strokeStyle = COLORS[key];
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    ctx.beginPath();
    pts.forEach((p, i) => (i ? ctx.lineTo(x(p.step), y(p[key]!)) : ctx.moveTo(x(p.step), y(p[key]!))));
    ctx.stroke();
  };
  const finite = (key: 'psnr' | 'loss') => points.map((p) => p[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));

  const psnrs = finite('psnr');
  if (psnrs.length) {
    layout.psnr = axisRange(psnrs);
    curve('psnr', layout.psnr);
    labels('psnr', layout.psnr, 'left', 'dB');
  }
  const losses = finite('loss');
  const hasBaseline = baselineMse !== undefined && Number.isFinite(baselineMse);
  if (losses.length || hasBaseline) {
    // Before the first step only the baseline is known: put it mid-height on an axis from 0.
    layout.mse = losses.length ? axisRange(hasBaseline ? [...losses, baselineMse] : losses) : [0, 2 * baselineMse!];
    if (losses.length) curve('loss', layout.mse);
    labels('loss', layout.mse, 'right', 'MSE');
  }
  if (hasBaseline) {
    const y = Math.round(yOf(layout.mse!)(baselineMse)) + 0.5;
    const label = `noisy input: MSE ${baselineMse.toFixed(4)} (${(10 * Math.log10(1 / baselineMse)).toFixed(2)} dB)`;
    ctx.strokeStyle = ctx.fillStyle = COLORS.baseline;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + plotW, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textAlign = 'right';
    // Above the line, or below it when the line hugs the top of the plot.
    ctx.fillText(label, PAD.left + plotW - 4, y < PAD.top + 16 ? y + 13 : y - 4);
    layout.baseline = { mse: baselineMse, y, label };
  }
  ctx.fillStyle = COLORS.text;
  if (!points.length) {
    ctx.textAlign = 'left';
    ctx.fillText('press Train to start', PAD.left + 10, PAD.top + 20);
    return layout;
  }
  ctx.textAlign = 'center';
  ctx.fillText('training step', PAD.left + plotW / 2, h - 8);
  ctx.textAlign = 'left';
  ctx.fillText('0', PAD.left, h - 8);
  ctx.textAlign = 'right';
  ctx.fillText(String(maxStep), PAD.left + plotW, h - 8);
  return layout;
}

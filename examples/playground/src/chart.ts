// A two-series line chart drawn by hand on a canvas: test PSNR (left axis, dB) and training loss (right axis).

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
const COLORS = { psnr: '#1f6feb', loss: '#d9822b', grid: '#e3e6ea', text: '#444' };

function range(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

/** Redraws the whole chart for `points` (cheap at a few hundred points). */
export function drawChart(canvas: HTMLCanvasElement, points: readonly Point[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  const plotW = w - PAD.left - PAD.right;
  const plotH = h - PAD.top - PAD.bottom;
  ctx.strokeStyle = COLORS.grid;
  ctx.strokeRect(PAD.left, PAD.top, plotW, plotH);
  if (points.length === 0) {
    ctx.fillStyle = COLORS.text;
    ctx.fillText('press Train to start', PAD.left + 10, PAD.top + 20);
    return;
  }
  const maxStep = Math.max(1, points[points.length - 1]!.step);
  const x = (step: number) => PAD.left + (step / maxStep) * plotW;
  const series = (key: 'psnr' | 'loss', color: string, side: 'left' | 'right', unit: string) => {
    const pts = points.filter((p) => p[key] !== undefined && Number.isFinite(p[key]));
    if (!pts.length) return;
    const [lo, hi] = range(pts.map((p) => p[key]!));
    const y = (v: number) => PAD.top + plotH - ((v - lo) / (hi - lo)) * plotH;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach((p, i) => (i ? ctx.lineTo(x(p.step), y(p[key]!)) : ctx.moveTo(x(p.step), y(p[key]!))));
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.textAlign = side === 'left' ? 'right' : 'left';
    const ax = side === 'left' ? PAD.left - 4 : w - PAD.right + 4;
    for (const v of [lo, (lo + hi) / 2, hi]) ctx.fillText(v.toFixed(key === 'psnr' ? 1 : 4), ax, y(v) + 4);
    ctx.fillText(unit, ax, 12);
  };
  series('psnr', COLORS.psnr, 'left', 'dB');
  series('loss', COLORS.loss, 'right', 'MSE');
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'center';
  ctx.fillText('training step', PAD.left + plotW / 2, h - 8);
  ctx.textAlign = 'left';
  ctx.fillText('0', PAD.left, h - 8);
  ctx.textAlign = 'right';
  ctx.fillText(String(maxStep), PAD.left + plotW, h - 8);
}

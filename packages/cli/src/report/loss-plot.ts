import * as vega from 'vega';

/** One run's per-epoch losses (epochs 1-based, as records hold them), drawn as one colour. */
export interface LossCurve {
  /** The legend entry: the series (family) the run is the best of, and its trial id. */
  name: string;
  epochs: Array<{ epoch: number; loss: number; evalLoss: number | null }>;
}

/**
 * An SVG of training loss (solid) and eval loss (dashed) per epoch, one colour per curve; the y axis is
 * logarithmic when every loss is positive (losses fall by orders of magnitude). Rendered by Vega without a browser.
 */
export async function lossSvg(curves: readonly LossCurve[]): Promise<string> {
  const rows = curves.flatMap((c) => c.epochs.flatMap((e) => [
    ...(Number.isFinite(e.loss) ? [{ name: c.name, epoch: e.epoch, kind: 'train', loss: e.loss }] : []),
    ...(e.evalLoss != null && Number.isFinite(e.evalLoss) ? [{ name: c.name, epoch: e.epoch, kind: 'eval', loss: e.evalLoss }] : []),
  ]));
  const losses = rows.map((r) => r.loss);
  const epochs = rows.map((r) => r.epoch);
  const log = losses.every((v) => v > 0);
  // Explicit domains, as in the Pareto plot: one epoch (or one loss) must not collapse an axis to a point.
  const [eMin, eMax] = [Math.min(...epochs), Math.max(...epochs)];
  const [lMin, lMax] = [Math.min(...losses), Math.max(...losses)];
  const yDomain = log ? [lMin / 1.2, lMax * 1.2] : [lMin - 0.05 * Math.max(lMax - lMin, Math.abs(lMax), 1e-6), lMax + 0.05 * Math.max(lMax - lMin, Math.abs(lMax), 1e-6)];
  const spec: vega.Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: 'training and eval loss per epoch',
    width: 560,
    height: 320,
    padding: 8,
    title: { text: 'loss per epoch', subtitle: 'solid: training loss (mean over the epoch), dashed: eval loss' },
    data: [{ name: 'losses', values: rows }],
    scales: [
      { name: 'x', type: 'linear', domain: eMax > eMin ? [eMin, eMax] : [eMin - 0.5, eMax + 0.5], range: 'width', nice: false, zero: false },
      { name: 'y', type: log ? 'log' : 'linear', domain: yDomain, range: 'height', nice: false, zero: false },
      { name: 'color', type: 'ordinal', domain: { data: 'losses', field: 'name', sort: true }, range: 'category' },
      { name: 'dash', type: 'ordinal', domain: ['train', 'eval'], range: [[1, 0], [6, 4]] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'epoch', grid: true, format: 'd', tickMinStep: 1 },
      { orient: 'left', scale: 'y', title: log ? 'loss (log scale)' : 'loss', grid: true, format: '.3~g' },
    ],
    legends: [
      { stroke: 'color', title: 'run', orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 2, labelLimit: 480 },
      { strokeDash: 'dash', title: 'loss', orient: 'right', symbolType: 'stroke', symbolSize: 400, symbolStrokeWidth: 2 },
    ],
    marks: [{
      type: 'group',
      from: { facet: { name: 'curve', data: 'losses', groupby: ['name', 'kind'] } },
      marks: [
        {
          type: 'line',
          from: { data: 'curve' },
          sort: { field: 'datum.epoch' },
          encode: {
            enter: {
              x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'loss' }, stroke: { scale: 'color', field: 'name' },
              strokeDash: { scale: 'dash', field: 'kind' }, strokeWidth: { value: 2 },
            },
          },
        },
        {
          type: 'symbol',
          from: { data: 'curve' },
          encode: {
            enter: {
              x: { scale: 'x', field: 'epoch' }, y: { scale: 'y', field: 'loss' }, fill: { scale: 'color', field: 'name' }, size: { value: 20 },
              tooltip: { signal: "datum.name + ' epoch ' + datum.epoch + ' ' + datum.kind + ' loss ' + format(datum.loss, '.4~g')" },
            },
          },
        },
      ],
    }],
  };
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

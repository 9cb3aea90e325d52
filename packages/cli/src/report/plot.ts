import * as vega from 'vega';

/** A point of the parameter–metric plot. */
export interface PlotPoint {
  family: string;
  params: number;
  metric: number;
  id: string;
}

/**
 * An SVG scatter of metric vs trainable parameters (log scale), one colour per family, with each family's
 * Pareto frontier drawn as a line through its frontier points. Rendered by Vega without a browser.
 */
export async function paretoSvg(points: readonly PlotPoint[], frontiers: Record<string, PlotPoint[]>, metricLabel: string): Promise<string> {
  // Explicit padded domains: with one trial (a `train` run) Vega's data domain collapses to a point, the
  // point sits on the plot's edge and the y axis shows a single long tick.
  const ys = points.map((p) => p.metric);
  const xs = points.map((p) => p.params);
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const yPad = yMax > yMin ? 0.08 * (yMax - yMin) : Math.max(0.02 * Math.abs(yMax), 0.01);
  const xDomain = [Math.min(...xs) / 1.15, Math.max(...xs) * 1.15];
  const frontier = Object.entries(frontiers).flatMap(([family, pts]) => pts.map((p, order) => ({ ...p, family, order })));
  const spec: vega.Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: `${metricLabel} vs trainable parameters, with each family's Pareto frontier`,
    width: 560,
    height: 360,
    padding: 8,
    title: { text: `${metricLabel} vs trainable parameters`, subtitle: 'lines: Pareto frontier of each family' },
    data: [
      { name: 'trials', values: points.map((p) => ({ ...p })) },
      { name: 'frontier', values: frontier },
    ],
    scales: [
      { name: 'x', type: 'log', domain: xDomain, range: 'width', nice: false },
      { name: 'y', type: 'linear', domain: [yMin - yPad, yMax + yPad], range: 'height', zero: false, nice: true },
      { name: 'color', type: 'ordinal', domain: { data: 'trials', field: 'family', sort: true }, range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'trainable parameters', grid: true, format: '.3~s', tickCount: 6 },
      { orient: 'left', scale: 'y', title: metricLabel, grid: true, format: '.4~g' },
    ],
    legends: [{ fill: 'color', stroke: 'color', title: 'family', orient: 'bottom-right', symbolType: 'circle', labelLimit: 320 }],
    marks: [
      {
        type: 'group',
        name: 'frontiers',
        from: { facet: { name: 'frontier_of_family', data: 'frontier', groupby: 'family' } },
        marks: [{
          type: 'line',
          name: 'frontier',
          from: { data: 'frontier_of_family' },
          sort: { field: 'datum.order' },
          encode: {
            enter: {
              x: { scale: 'x', field: 'params' }, y: { scale: 'y', field: 'metric' },
              stroke: { scale: 'color', field: 'family' }, strokeWidth: { value: 2 },
              description: { signal: "datum.family + ' frontier'" },
            },
          },
        }],
      },
      {
        type: 'symbol',
        name: 'trial',
        from: { data: 'trials' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'params' }, y: { scale: 'y', field: 'metric' },
            fill: { scale: 'color', field: 'family' }, size: { value: 48 }, opacity: { value: 0.8 },
            tooltip: { signal: "datum.id + ': ' + format(datum.metric, '.2f')" },
          },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { paretoFrontier } from '@mlp-blocks/core';
import { writeFileAtomic } from '@mlp-blocks/train';
import { readSamples } from '../run/samples.js';
import type { TrialRecord } from '../run/trial.js';
import { latestById, readResults } from '../sweep/results.js';
import { RESULTS } from '../sweep/sweep.js';
import { type LossCurve, lossSvg } from './loss-plot.js';
import { type PlotPoint, paretoSvg } from './plot.js';
import { type FamilySamples, samplesPng } from './png.js';

/**
 * What `writeReport` wrote: the markdown report, the plot and sample image (null when there was nothing to draw),
 * and what they cover.
 */
export interface ReportFiles {
  markdown: string;
  svg: string | null;
  /** loss.svg: training and eval loss per epoch of each series' best trial (null when no record has a history). */
  lossSvg: string | null;
  png: string | null;
  trials: number;
  families: string[];
}

/** Options of `writeReport`. */
export interface ReportOptions {
  /** Split each family into series by this spec option's value (e.g. `lift`): one frontier per series. */
  seriesBy?: string;
}

/** The score a report ranks by: the test metric when there is one, else the best eval metric. */
export function scoreOf(r: TrialRecord): number {
  return r.testMetric ?? r.evalMetric ?? Number.NaN;
}

const fmtMetric = (r: TrialRecord, v: number | null) => (v == null || Number.isNaN(v) ? '-' : r.metricName === 'psnr' ? v.toFixed(2) : (100 * v).toFixed(2) + '%');
const n = (v: number) => v.toLocaleString('en-US');
const specSummary = (spec: Record<string, unknown>) => Object.entries(spec)
  .filter(([k]) => !['model', 'inputDim', 'outputDim'].includes(k)).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('·') : v}`).join(' ');

/**
 * Writes the report of a results directory (a sweep's, or a single `train` run's): report.md with a table of
 * every trial, pareto.svg (metric vs trainable parameters with each family's frontier), loss.svg (loss per epoch
 * of each family's best trial) and samples.png (inputs / outputs / targets of each family's best model). Returns
 * the files written.
 */
export async function writeReport(dir: string, outDir = dir, warn: (line: string) => void = () => {}, options: ReportOptions = {}): Promise<ReportFiles> {
  const resultsFile = path.join(dir, RESULTS);
  if (!fs.existsSync(resultsFile)) throw new Error(`report: ${dir} holds no ${RESULTS} (run \`mlp-blocks train\` or \`sweep\` with --out ${dir} first)`);
  const records = latestById(readResults(resultsFile, warn));
  if (records.length === 0) throw new Error(`report: ${resultsFile} has no finished trials yet`);
  const metricName = records[0]!.metricName;
  const metricLabel = metricName === 'psnr' ? 'test PSNR (dB)' : 'test accuracy';
  // A series is a family, or with `seriesBy` a family and that option's value (e.g. hourglass lift=fixed / trainable).
  const by = options.seriesBy;
  const seriesOf = (r: TrialRecord) => {
    const spec = r.config.spec as Record<string, unknown>;
    const v = by === undefined || !Object.hasOwn(spec, by) ? undefined : spec[by]; // own options only: never `constructor`
    return v === undefined ? r.family : `${r.family} ${by}=${Array.isArray(v) ? v.join('·') : String(v)}`;
  };
  const families = [...new Set(records.map(seriesOf))].sort();
  const points: PlotPoint[] = records.filter((r) => Number.isFinite(scoreOf(r)))
    .map((r) => ({ family: seriesOf(r), params: r.params.trainable, metric: scoreOf(r), id: r.id }));
  const frontiers: Record<string, PlotPoint[]> = Object.create(null); // family names come from results files: `__proto__` is a key like any other
  for (const f of families) frontiers[f] = paretoFrontier(points.filter((p) => p.family === f));
  const onFrontier = new Set(Object.values(frontiers).flat().map((p) => p.id));
  const best = new Map<string, TrialRecord>();
  for (const r of records) {
    const b = best.get(seriesOf(r));
    if (Number.isFinite(scoreOf(r)) && (!b || scoreOf(r) > scoreOf(b))) best.set(seriesOf(r), r);
  }

  fs.mkdirSync(outDir, { recursive: true });
  const svgFile = path.join(outDir, 'pareto.svg');
  const pngFile = path.join(outDir, 'samples.png');
  let svg: string | null = null;
  if (points.length > 0) {
    writeFileAtomic(svgFile, await paretoSvg(points, frontiers, metricLabel));
    svg = svgFile;
  }
  // The best trial of each series, not every trial: a sweep's dozens of curves would hide each other.
  const curves: LossCurve[] = families.flatMap((f) => {
    const r = best.get(f);
    return r?.history?.length ? [{ name: families.length > 1 ? `${f} (${r.id})` : r.id, epochs: r.history }] : [];
  });
  const lossFile = path.join(outDir, 'loss.svg');
  let lossPlot: string | null = null;
  if (curves.length > 0) {
    writeFileAtomic(lossFile, await lossSvg(curves));
    lossPlot = lossFile;
  }
  const groups: FamilySamples[] = [];
  for (const f of families) {
    const r = best.get(f);
    const file = r && path.join(dir, r.dir, 'samples.json');
    if (file && fs.existsSync(file) && r.metricName === 'psnr') groups.push({ family: f, samples: readSamples(file) });
  }
  const grid = samplesPng(groups);
  let png: string | null = null;
  if (grid) {
    writeFileAtomic(pngFile, grid.png);
    png = pngFile;
  }

  const sorted = [...records].sort((a, b) => seriesOf(a).localeCompare(seriesOf(b)) || a.params.trainable - b.params.trainable || scoreOf(b) - scoreOf(a));
  const first = records[0]!.config;
  const lines = [
    `# mlp-blocks report: ${first.task} on ${first.dataset}`,
    '',
    `${records.length} trial${records.length === 1 ? '' : 's'} from \`${resultsFile}\`; ${metricLabel} of the best-eval-loss weights`
      + (metricName === 'psnr' ? ' (PSNR per batch, averaged weighted by batch size)' : ' (share of test examples classified correctly)')
      + `. ★ marks each ${by === undefined ? 'family' : `series (family and ${by})`}'s Pareto frontier (no smaller model scores higher).`,
    '',
    '## Best per family',
    '',
    '| family | trial | trainable params | lr | ' + metricLabel + ' |',
    '|---|---|---:|---:|---:|',
    ...families.filter((f) => best.has(f)).map((f) => {
      const r = best.get(f)!;
      return `| ${f} | \`${r.id}\` | ${n(r.params.trainable)} | ${r.config.lr} | ${fmtMetric(r, scoreOf(r))} |`;
    }),
    '',
    svg ? `![${metricLabel} vs trainable parameters](${path.relative(outDir, svgFile)})` : '_No finished trial has a finite score to plot._',
    '',
    lossPlot ? `![training and eval loss per epoch of the best trial of each ${by === undefined ? 'family' : 'series'}](${path.relative(outDir, lossFile)})` : '',
    '',
    png ? `![inputs, outputs and targets of each family's best model](${path.relative(outDir, pngFile)})` : '',
    png ? `\n\`${path.basename(pngFile)}\`: for each family (${groups.map((g) => g.family).join(', ')}, top to bottom) three rows of ${grid!.cell[0]}×${grid!.cell[1]} px images — inputs, model outputs, targets.` : '',
    '',
    '## All trials',
    '',
    '| | family | trial | model | trainable | non-trainable | lr | seed | epochs | best epoch | eval loss | eval | test |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...sorted.map((r) => `| ${onFrontier.has(r.id) ? '★' : ''} | ${seriesOf(r)} | \`${r.id}\` | ${specSummary(r.config.spec)} | ${n(r.params.trainable)} | ${n(r.params.nonTrainable)} | ${r.config.lr} | ${r.config.seed} | ${r.epochsRun}${r.stoppedEarly ? ' (early stop)' : ''} | ${r.bestEpoch ?? '-'} | ${r.evalLoss == null ? '-' : r.evalLoss.toFixed(5)} | ${fmtMetric(r, r.evalMetric)} | ${fmtMetric(r, r.testMetric)} |`),
    '',
  ];
  const markdown = path.join(outDir, 'report.md');
  writeFileAtomic(markdown, lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n'));
  return { markdown, svg, lossSvg: lossPlot, png, trials: records.length, families };
}

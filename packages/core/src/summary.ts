import type * as tfl from '@tensorflow/tfjs-layers';
import { countParams } from './block.js';
import type { LayerVariable } from './types.js';

/** Parameters of a layer that are not among its weights: matrices regenerated from a seed instead of stored. */
function regenerated(layer: { trainableWeights: LayerVariable[]; nonTrainableWeights: LayerVariable[] }): number {
  const stored = [...layer.trainableWeights, ...layer.nonTrainableWeights].reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  return countParams(layer).total - stored;
}

/**
 * `model.summary()` with the counts of `countParams` (and of the families' closed forms, such as `hourglassParams`
 * and `specParams`). tfjs counts stored weights only, so a frozen matrix regenerated from its seed instead of saved
 * (a `RandomProjection` with `persist: false`, the hourglass `lift: 'fixed'`) shows 0 parameters there and is
 * missing from tfjs's totals. Here its row shows its parameters, the totals include them as non-trainable, and a
 * line under them says how many of them are regenerated rather than stored. Without such layers the output is tfjs's.
 */
export function summary(model: tfl.LayersModel, printFn: (line: string) => void = console.log): void {
  const lines: string[] = [];
  model.summary(undefined, undefined, (line: string) => lines.push(line));
  const extra = model.layers.map((layer) => ({ layer, count: regenerated(layer) })).filter((e) => e.count > 0);
  if (extra.length === 0) {
    lines.forEach((line) => printFn(line));
    return;
  }
  const counts = countParams(model);
  // The Param # column: from its header to the next header (or the end of the line).
  const header = lines.find((line) => line.includes('Param #')) ?? '';
  const start = header.indexOf('Param #');
  const next = /Param #\s+\S/.exec(header);
  const end = next ? next.index + next[0].length - 1 : Infinity;
  const totals: ReadonlyMap<string, number> = new Map([
    ['Total params: ', counts.total], ['Trainable params: ', counts.trainable], ['Non-trainable params: ', counts.nonTrainable]]);
  for (const line of lines) {
    const total = [...totals].find(([label]) => line.startsWith(label));
    if (total) {
      printFn(`${total[0]}${total[1]}`);
      if (total[0] === 'Non-trainable params: ') {
        const which = extra.map((e) => `${e.layer.name}: ${e.count}`).join(', ');
        printFn(`  of which regenerated from a seed, not stored: ${extra.reduce((n, e) => n + e.count, 0)} (${which})`);
      }
      continue;
    }
    const row = start >= 0 ? extra.find((e) => line.startsWith(`${e.layer.name} (`)) : undefined;
    if (!row) {
      printFn(line);
      continue;
    }
    const field = String(countParams(row.layer).total);
    const width = Math.max((Number.isFinite(end) ? end : header.length) - start, field.length);
    printFn(`${line.slice(0, start)}${field.padEnd(width)}${Number.isFinite(end) ? line.slice(end) : ''}`);
  }
}

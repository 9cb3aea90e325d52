import { ConfigError, validate } from '@mlp-blocks/core';

/** Re-exported from @mlp-blocks/core, where every family's reports use it. */
export { paretoFrontier } from '@mlp-blocks/core';
import { LIFTS, type LiftKind } from './options.js';
import { conventionalParams, hourglassParams } from './params.js';

/** A search grid for `enumerateGrid`: the network kind, its dimensions and the values to combine. */
export interface GridOptions {
  kind: 'hourglass' | 'conventional';
  inputDim: number;
  outputDim: number;
  /** Skip-path widths d_z (hourglass only; conventional uses width = inputDim). */
  widths?: number[];
  /** Bottleneck (hourglass) or expansion (conventional) sizes d_h. */
  hidden: number[];
  depths: number[];
  lift?: LiftKind;
  /** Keep only configurations with at most this many trainable parameters. */
  maxParams?: number;
  /** Keep only hourglass (d_h < d_z) or conventional (d_h > d_z) shapes. Default true. */
  enforceShape?: boolean;
}

/** One grid point: its JSON spec and its trainable-parameter count. */
export interface GridPoint {
  spec: Record<string, unknown> & { model: 'hourglass' | 'conventional' };
  trainable: number;
}

/** Enumerates a search grid as JSON specs with their trainable-parameter counts, sorted by count. */
export function enumerateGrid(o: GridOptions): GridPoint[] {
  const owner = 'enumerateGrid';
  const lift = validate.oneOf(owner, 'lift', o.lift ?? (o.kind === 'hourglass' ? 'fixed' : 'trainable'), LIFTS);
  const nonEmpty = (name: string, v: unknown): number[] => {
    if (!Array.isArray(v) || v.length === 0) throw new ConfigError(owner, name, 'a non-empty list of positive integers', v);
    return v.map((x, i) => validate.positiveInt(owner, `${name}[${i}]`, x));
  };
  const hidden = nonEmpty('hidden', o.hidden);
  const depths = nonEmpty('depths', o.depths);
  const widths = o.kind === 'hourglass' ? nonEmpty('widths', o.widths) : [validate.positiveInt(owner, 'inputDim', o.inputDim)];
  const enforce = o.enforceShape ?? true;
  const points: GridPoint[] = [];
  for (const width of widths) {
    for (const h of hidden) {
      if (enforce && (o.kind === 'hourglass' ? h >= width : h <= width)) continue;
      for (const depth of depths) {
        const base = { inputDim: o.inputDim, outputDim: o.outputDim, depth, lift };
        const spec = o.kind === 'hourglass'
          ? { model: 'hourglass' as const, ...base, width, bottleneck: h }
          : { model: 'conventional' as const, ...base, hidden: h };
        const trainable = o.kind === 'hourglass'
          ? hourglassParams({ ...base, width, bottleneck: h }).trainable
          : conventionalParams({ ...base, hidden: h }).trainable;
        if (o.maxParams === undefined || trainable <= o.maxParams) points.push({ spec, trainable });
      }
    }
  }
  return points.sort((a, b) => a.trainable - b.trainable);
}

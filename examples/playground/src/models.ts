// Picks the largest network of each kind under a parameter budget, counting parameters in closed form
// (countParams) instead of building candidates.
import * as tfl from '@tensorflow/tfjs-layers';
import { conventionalMlp, countParams, enumerateGrid, hourglassMlp } from '@mlp-blocks/hourglass';

/** The two shapes the page compares. */
export type Kind = 'hourglass' | 'conventional';

/** Budgets offered in the page (trainable parameters). */
export const BUDGETS = [60_000, 150_000, 300_000, 600_000, 1_200_000] as const;

/** A chosen network: its JSON spec (as the CLI and sweeps take it), its trainable count and a one-line summary. */
export interface Choice {
  spec: Record<string, unknown> & { model: Kind };
  trainable: number;
  summary: string;
}

const SIDE = 784;

/**
 * The largest network of `kind` with at most `budget` trainable parameters (ties: the deeper one).
 * Hourglass: a wide skip path with a fixed random lift and narrow bottlenecks (the search helper's grid).
 * Conventional: a trainable lift to a narrow skip path and wide expansions; the paper's square lift
 * (width 784) alone costs 1.2 M parameters, so smaller widths are offered to fit the page's budgets.
 */
export function chooseNetwork(kind: Kind, budget: number): Choice {
  const depths = [1, 2, 3, 4, 6];
  let points: Array<{ spec: Choice['spec']; trainable: number }>;
  if (kind === 'hourglass') {
    points = enumerateGrid({ kind, inputDim: SIDE, outputDim: SIDE, widths: [64, 128, 256, 512, 1024], hidden: [8, 16, 32, 64, 128], depths, lift: 'fixed', maxParams: budget });
  } else {
    points = [];
    for (const width of [32, 64, 128, 256, 512]) {
      for (const hidden of [64, 128, 256, 512, 1024, 2048]) {
        if (hidden <= width) continue;
        for (const depth of depths) {
          const spec = { model: 'conventional' as const, inputDim: SIDE, outputDim: SIDE, width, hidden, depth, lift: 'trainable' };
          const { trainable } = countParams(spec);
          if (trainable <= budget) points.push({ spec, trainable });
        }
      }
    }
  }
  const best = points.reduce<(typeof points)[number] | undefined>((a, p) => {
    if (!a || p.trainable > a.trainable) return p;
    return p.trainable === a.trainable && Number(p.spec['depth']) > Number(a.spec['depth']) ? p : a;
  }, undefined);
  if (!best) throw new Error(`no ${kind} network fits in ${budget} trainable parameters`);
  const s = best.spec;
  const inner = kind === 'hourglass' ? `bottleneck ${String(s['bottleneck'])}` : `hidden ${String(s['hidden'])}`;
  return { ...best, summary: `${kind}: width ${String(s['width'])}, ${inner}, depth ${String(s['depth'])} — ${best.trainable.toLocaleString('en')} trainable parameters` };
}

/** Builds the chosen network with the package's builders. */
export function buildNetwork(choice: Choice, seed: number): tfl.Sequential {
  const { model, ...options } = choice.spec;
  return model === 'hourglass'
    ? hourglassMlp({ ...(options as unknown as Parameters<typeof hourglassMlp>[0]), seed })
    : conventionalMlp(options as unknown as Parameters<typeof conventionalMlp>[0]);
}

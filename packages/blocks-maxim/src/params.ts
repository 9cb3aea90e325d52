import type { ParamCounts } from '@mlp-blocks/core';
import type { MaximOptions } from './options.js';
import { scaleSizes } from './unet.js';

type Sizes = { blockSize: [number, number]; gridSize: [number, number] };
/** What the closed-form count reads: the family's options without the flat and image sizes. */
export type MaximCountOptions = Omit<MaximOptions, 'inputDim' | 'outputDim' | 'imageSize' | 'outputActivation'>;

/**
 * Closed-form parameters of the authors' MAXIM (every weight trainable), for any number of stages: the one-stage
 * network equals `countParams` of the built model; more stages add, per the authors' code, a supervised attention
 * module per earlier stage, a cross-gating fusion of its features into the next stage's input, and a
 * cross-gating block in each later-stage encoder. Independent of the image size.
 */
export function maximParams(o: MaximCountOptions): ParamCounts {
  const b = o.useBias ? 1 : 0;
  const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + b * cout;
  const dense = (cin: number, cout: number) => cin * cout + b * cout;
  const ln = (c: number) => 2 * c;
  const spatial = (n: number) => n * n + b * n;
  const area = (s: [number, number]) => s[0] * s[1];
  const axisLayer = (c: number, factor: number, n: number) => ln(c) + dense(c, c * factor) + ln((c * factor) / 2) + spatial(n) + dense((c * factor) / 2, c);
  const wide = (c: number) => c * o.inputProjFactor;
  const mab = (c: number, s: Sizes) => ln(c) + dense(c, wide(c))
    + axisLayer(wide(c) / 2, o.gridGmlpFactor, area(s.gridSize)) + axisLayer(wide(c) / 2, o.blockGmlpFactor, area(s.blockSize)) + dense(wide(c), c);
  const ca = (c: number) => dense(c, Math.floor(c / o.reduction)) + dense(Math.floor(c / o.reduction), c);
  const rcab = (c: number) => ln(c) + 2 * conv(3, c, c) + ca(c);
  const rdcab = (c: number) => ln(c) + 2 * dense(c, c) + ca(c);
  const stage = (cin: number, f: number, s: Sizes, bottleneck: boolean) =>
    conv(1, cin, f) + o.numGroups * ((bottleneck || o.useGlobalMlp ? mab(f, s) : 0) + (bottleneck ? rdcab(f) : rcab(f)));
  const gatingWeights = (c: number, s: Sizes) => ln(c) + dense(c, wide(c)) + spatial(area(s.gridSize)) + spatial(area(s.blockSize)) + dense(wide(c), c);
  const crossGating = (cx: number, cy: number, f: number, up: boolean, s: Sizes) => (up ? 4 * cy * f + b * f : 0)
    + conv(1, cx, f) + conv(1, up ? f : cy, f) + 2 * (ln(f) + dense(f, f) + gatingWeights(f, s)) + 2 * dense(f, f);

  const d = o.depth;
  const c = o.inputChannels;
  const f = (i: number) => o.features * 2 ** i;
  const at = (i: number) => scaleSizes(o, i);
  const lowest: Sizes = { blockSize: o.blockSizeLr, gridSize: o.blockSizeLr };
  let total = 0;
  for (let s = 0; s < o.numStages; s++) {
    total += conv(3, c, f(0));
    if (s > 0) total += o.useCrossGating ? crossGating(f(0), f(0), f(0), false, at(0)) : conv(1, 2 * f(0), f(0));
    for (let i = 0; i < d; i++) {
      total += stage(i === 0 ? 2 * f(0) : f(i - 1), f(i), at(i), false) + conv(4, f(i), f(i));
      if (s > 0) total += crossGating(f(i), f(i), f(i), false, at(i));
    }
    total += o.numBottleneckBlocks * stage(f(d - 1), f(d - 1), lowest, true);
    let global = f(d - 1);
    for (let i = d - 1; i >= 0; i--) {
      for (let j = 0; j < d; j++) total += conv(1, f(j), f(i));
      if (o.useCrossGating) {
        total += crossGating(d * f(i), global, f(i), true, at(i));
        global = f(i);
      } else {
        total += conv(1, d * f(i), f(i)) + conv(3, f(i), f(i));
      }
    }
    let x = f(d - 1);
    for (let i = d - 1; i >= 0; i--) {
      for (let j = 0; j < d; j++) total += conv(1, f(d - 1 - j), f(i));
      total += 4 * x * f(i) + b * f(i) + stage(f(i) + d * f(i), f(i), at(i), false);
      x = f(i);
    }
    // Earlier stages end in a supervised attention module, the last in the output convolution.
    total += s < o.numStages - 1 ? conv(3, f(0), f(0)) + conv(3, f(0), c) + conv(3, c, f(0)) : conv(3, f(0), c);
  }
  return { trainable: total, nonTrainable: 0, total };
}

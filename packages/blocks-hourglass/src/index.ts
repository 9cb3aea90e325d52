import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/hourglass';
export { RESIDUAL_MLP_OPTIONS, RESIDUAL_MLP_RENAMES, ResidualMlpBlock, type ResidualMlpBlockArgs, type ResidualMlpBlockOptions } from './residual-mlp-block.js';
export { buildNetwork, conventionalMlp, hourglassMlp } from './network.js';
export {
  CONVENTIONAL_OPTIONS, HOURGLASS_OPTIONS, LIFTS, resolveConventional, resolveHourglass, type ConventionalOptions, type HourglassOptions,
  type LiftKind, type NetworkShape, type ResolvedNetwork,
} from './options.js';
export { conventionalParams, countParams, hourglassParams, networkParams } from './params.js';
export { precomputeLift, trunk } from './lift.js';
export { enumerateGrid, paretoFrontier, type GridOptions, type GridPoint } from './search.js';

// Registration module (the package's only side effect): the layers for tfjs serialization and the core block
// registry, and the "gmlp" family (options, presets, builder, closed-form count) for the core family registry.
import { type OptionsOutput, type Preset, registerBlock, registerFamily } from '@mlp-blocks/core';
import { GmlpBlock } from './gmlp-block.js';
import { buildGmlp } from './network.js';
import { GMLP_OPTIONS, GMLP_RENAMES, type ResolvedGmlp, resolveGmlp } from './options.js';
import { networkParams } from './params.js';
import { PRESETS, PRESET_DESCRIPTIONS, PRESET_NAMES } from './presets.js';
import { SpatialGatingUnit } from './spatial-gating-unit.js';
import { TinyAttention } from './tiny-attention.js';
import { TokenEmbedding } from './token-embedding.js';

type Entries = typeof GMLP_OPTIONS.entries;
// The family's parsed options are the resolved networks (kind, defaults filled, seqLen of the patch grid).
const resolved = (o: OptionsOutput<Entries>) => o as unknown as ResolvedGmlp;

registerBlock(SpatialGatingUnit);
registerBlock(TinyAttention);
registerBlock(GmlpBlock);
registerBlock(TokenEmbedding);
registerFamily({
  name: 'gmlp',
  packageName: '@mlp-blocks/gmlp',
  description: 'gMLP / aMLP (Liu et al., 2021): spatial gating over tokens; an image classifier, or with kind "sequence" a causal sequence model',
  owner: 'gmlpClassifier',
  options: GMLP_OPTIONS,
  renames: GMLP_RENAMES,
  parse: (options, owner) => resolveGmlp(options, owner) as unknown as OptionsOutput<Entries>,
  input: (o) => (o.kind === 'sequence' ? 'sequence' : 'image'),
  presets: Object.fromEntries(PRESET_NAMES.map((name): [string, Preset<Entries>] => [name, { description: PRESET_DESCRIPTIONS[name], options: PRESETS[name] }])),
  build: (o) => buildGmlp(resolved(o)),
  countParams: (o) => networkParams(resolved(o)),
  citation: 'Liu, Dai, So, Le. Pay Attention to MLPs. NeurIPS 2021, arXiv:2105.08050.',
});

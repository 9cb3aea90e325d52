import { ConfigError, validate } from '@mlp-blocks/core';

/** Validates an explicit width or a ratio (at most one of the two); returns the ratio default otherwise. */
export function widthOrRatio(owner: string, dimKey: string, ratioKey: string, dim: unknown, ratio: unknown, defaultRatio: number): { dim: number | null; ratio: number } {
  if (dim !== undefined && dim !== null && ratio !== undefined && ratio !== null) {
    throw new ConfigError(owner, ratioKey, `absent when "${dimKey}" is given`, ratio,
      `${owner}: give "${dimKey}" or "${ratioKey}", not both (received ${dimKey} ${JSON.stringify(dim)} and ${ratioKey} ${JSON.stringify(ratio)})`);
  }
  if (dim !== undefined && dim !== null) return { dim: validate.positiveInt(owner, dimKey, dim), ratio: defaultRatio };
  return { dim: null, ratio: validate.positiveNumber(owner, ratioKey, ratio ?? defaultRatio) };
}

/** floor(ratio · channels), as timm's `int(mlp_ratio * dim)`, and at least 1. */
export function hiddenWidth(owner: string, ratioKey: string, ratio: number, channels: number): number {
  const w = Math.floor(ratio * channels);
  if (w < 1) throw new ConfigError(owner, ratioKey, `large enough that ${ratioKey} · ${channels} channels ≥ 1`, ratio);
  return w;
}

import { ConfigError } from '@mlp-blocks/core';

/**
 * A hidden width is given either as a width or as a ratio of the channel count, never both. Checked on the
 * options as written (the ratio's default is filled in by parsing, so the parsed options cannot tell).
 */
export function checkWidthOrRatio(owner: string, args: unknown, dimKey: string, ratioKey: string): void {
  if (args == null || typeof args !== 'object') return;
  const dim = (args as Record<string, unknown>)[dimKey];
  const ratio = (args as Record<string, unknown>)[ratioKey];
  if (dim != null && ratio != null) {
    throw new ConfigError(owner, ratioKey, `absent when "${dimKey}" is given`, ratio,
      `${owner}: give "${dimKey}" or "${ratioKey}", not both (received ${dimKey} ${JSON.stringify(dim)} and ${ratioKey} ${JSON.stringify(ratio)})`);
  }
}

/** floor(ratio · channels), as timm's `int(mlp_ratio * dim)`, and at least 1. */
export function hiddenWidth(owner: string, ratioKey: string, ratio: number, channels: number): number {
  const w = Math.floor(ratio * channels);
  if (w < 1) throw new ConfigError(owner, ratioKey, `large enough that ${ratioKey} · ${channels} channels ≥ 1`, ratio);
  return w;
}

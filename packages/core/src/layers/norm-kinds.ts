/** The norm names blocks accept ('none' for no norm). */
export const NORMS = ['batch', 'layer', 'rms', 'affine', 'none'] as const;
/** One of NORMS. */
export type NormKind = (typeof NORMS)[number];

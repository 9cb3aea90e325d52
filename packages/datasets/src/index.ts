/** The npm name of this package. Readers, sources and tasks arrive with the datasets issue. */
export const packageName = '@mlp-blocks/datasets';

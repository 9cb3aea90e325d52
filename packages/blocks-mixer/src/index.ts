import './register.js';

/** The npm name of this package, as recorded in the configs of the models it builds. */
export const packageName = '@mlp-blocks/mixer';

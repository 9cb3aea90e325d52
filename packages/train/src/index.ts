export { runCli } from './cli/program.js';
export { collectInfo, formatInfo, type Info } from './cli/info.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';

export { runCli } from './cli/program.js';
export { collectInfo, formatInfo, type Info } from './cli/info.js';

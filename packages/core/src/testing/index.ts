export { checkConformance, ConformanceError, type ConformanceOptions, type CheckResult } from './conformance.js';
export { savedModelDifference, type SavedModelIO } from './saved-model.js';

export { checkConformance, ConformanceError, type ConformanceOptions, type CheckResult } from './conformance.js';

// Plain-text table of the suite's results: one row per workload, implementations side by side.

/**
 * @typedef {object} RunResult One line of run-one.mjs or torch_bench.py output (or an error in its place).
 * @property {number} workload
 * @property {'a' | 'b' | 'c'} impl
 * @property {number} [trainable]
 * @property {{samplesPerSecond: number, windows: number[]}} [train]
 * @property {{samplesPerSecond: number, windows: number[]}} [infer]
 * @property {{before: number, after: number}} [numTensors]
 * @property {number} [peakRssMiB]
 * @property {string} [error]
 */

/** @param {number | undefined} v */
const rate = (v) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
/** @param {number | undefined} a @param {number | undefined} b */
export const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
/** @param {number | undefined} r */
const times = (r) => (r === undefined ? '–' : `${r.toFixed(2)}×`);

/**
 * Rows of the table for the given workloads from the runs.
 * @param {Array<{id: number, name: string}>} workloads
 * @param {RunResult[]} runs
 */
export function tableRows(workloads, runs) {
  return workloads.map((w) => {
    /** @param {'a' | 'b' | 'c'} impl */
    const of = (impl) => runs.find((r) => r.workload === w.id && r.impl === impl && !r.error);
    const [a, b, c] = [of('a'), of('b'), of('c')];
    return {
      workload: w.id, name: w.name, trainable: a?.trainable ?? b?.trainable ?? c?.trainable,
      train: { a: a?.train?.samplesPerSecond, b: b?.train?.samplesPerSecond, c: c?.train?.samplesPerSecond },
      trainRatio: { ab: ratio(a?.train?.samplesPerSecond, b?.train?.samplesPerSecond), ac: ratio(a?.train?.samplesPerSecond, c?.train?.samplesPerSecond) },
      infer: { a: a?.infer?.samplesPerSecond, b: b?.infer?.samplesPerSecond, c: c?.infer?.samplesPerSecond },
      peakRssMiB: { a: a?.peakRssMiB, b: b?.peakRssMiB, c: c?.peakRssMiB },
      numTensorsA: a?.numTensors,
    };
  });
}

/**
 * The table as text (monospace, space-padded columns).
 * @param {ReturnType<typeof tableRows>} rows
 */
export function formatTable(rows) {
  const head = ['workload', 'params', 'train a', 'train b', 'train c', 'a/b', 'a/c', 'infer a', 'infer b', 'infer c', 'RSS a', 'RSS b', 'RSS c', 'tensors a'];
  const mib = (v) => (v === undefined ? '–' : `${v} MiB`);
  const body = rows.map((r) => [
    `${r.workload} ${r.name}`, rate(r.trainable), rate(r.train.a), rate(r.train.b), rate(r.train.c), times(r.trainRatio.ab), times(r.trainRatio.ac),
    rate(r.infer.a), rate(r.infer.b), rate(r.infer.c), mib(r.peakRssMiB.a), mib(r.peakRssMiB.b), mib(r.peakRssMiB.c),
    r.numTensorsA ? `${r.numTensorsA.before}→${r.numTensorsA.after}` : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  // Names left-aligned, figures right-aligned.
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

// The suite's "how close to the hardware" report: which BLAS and how many threads, the measured FP32 product
// peak (bench/blas-peak.mjs), and each workload's achieved GFLOP/s as a fraction of it. A step's FLOPs are
// those of the products (a)'s step runs, counted by bench/flops.mjs; (c) trains the same network, so its
// GFLOP/s uses the same count.

/** @param {number | undefined} v @param {number} digits */
const fixed = (v, digits) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/**
 * One line about the BLAS and the peak, from blas-peak.mjs's JSON.
 * @param {{error?: string, version?: string, config?: string, core?: string, threads?: number, addon?: string, size?: number, repeats?: number, gflops?: {best: number, median: number}}} peak
 */
export function blasLine(peak) {
  if (peak.error) return `BLAS: none measured (${peak.error})`;
  return `BLAS: ${peak.config} — ${peak.core} kernels, ${peak.threads} thread(s), ${peak.addon}\n` +
    `FP32 matmul peak (sgemm ${peak.size}³, best of ${peak.repeats}): ${fixed(peak.gflops?.best, 1)} GFLOP/s (median ${fixed(peak.gflops?.median, 1)})`;
}

/**
 * Achieved GFLOP/s per workload: step FLOPs × steps/s, against the peak's best.
 * @param {Array<{id: number, name: string}>} workloads
 * @param {Array<{workload: number, impl: string, error?: string, stepFlops?: {flops: number, products: number}, train?: {samplesPerSecond: number}}>} runs
 * @param {number} batch
 * @param {number | undefined} peakGflops
 */
export function hardwareRows(workloads, runs, batch, peakGflops) {
  return workloads.map((w) => {
    const of = (impl) => runs.find((r) => r.workload === w.id && r.impl === impl && !r.error);
    const a = of('a');
    const c = of('c');
    const flops = a?.stepFlops?.flops;
    const gflops = (run) => (flops === undefined || !run?.train ? undefined : (flops * run.train.samplesPerSecond) / batch / 1e9);
    const share = (g) => (g === undefined || !peakGflops ? undefined : g / peakGflops);
    const [ga, gc] = [gflops(a), gflops(c)];
    return { workload: w.id, name: w.name, gflopPerStep: flops === undefined ? undefined : flops / 1e9, products: a?.stepFlops?.products, a: { gflops: ga, ofPeak: share(ga) }, c: { gflops: gc, ofPeak: share(gc) } };
  });
}

/** @param {ReturnType<typeof hardwareRows>} rows */
export function formatHardware(rows) {
  const head = ['workload', 'GFLOP/step', 'products', 'a GFLOP/s', 'a % peak', 'c GFLOP/s', 'c % peak'];
  const pct = (v) => (v === undefined ? '–' : `${(100 * v).toFixed(0)}%`);
  const body = rows.map((r) => [`${r.workload} ${r.name}`, fixed(r.gflopPerStep, 3), r.products === undefined ? '–' : String(r.products), fixed(r.a.gflops, 1), pct(r.a.ofPeak), fixed(r.c.gflops, 1), pct(r.c.ofPeak)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

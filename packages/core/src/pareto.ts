/**
 * The Pareto frontier of points that maximise `metric` and minimise `params`: a point stays unless another
 * has no more parameters and at least the metric, and is strictly better in one. Sorted by params; points with a
 * non-finite metric are left out.
 */
export function paretoFrontier<T extends { params: number; metric: number }>(points: readonly T[]): T[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.metric)).sort((a, b) => a.params - b.params || b.metric - a.metric);
  const frontier: T[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.metric > best) {
      frontier.push(p);
      best = p.metric;
    }
  }
  return frontier;
}

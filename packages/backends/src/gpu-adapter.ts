/** The parts of a WebGPU adapter's info worth printing (Dawn and browsers fill different fields). */
export function describeAdapter(adapter: unknown): string {
  const parts = adapterStrings(adapter);
  return parts.length ? `adapter: ${[...new Set(parts)].join(', ')}` : 'adapter: (no info)';
}

// Read field by field: Dawn's and browsers' info objects keep these as prototype getters, not own properties.
function adapterStrings(adapter: unknown): string[] {
  const info = (adapter as { info?: Record<string, unknown> } | null)?.info ?? {};
  return ['vendor', 'architecture', 'device', 'description']
    .map((k) => info[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The `navigator.gpu` of this context, if it has one. */
export function navigatorGpu(): { requestAdapter(options?: object): Promise<unknown> } | undefined {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(options?: object): Promise<unknown> } } }).navigator;
  return nav?.gpu ?? undefined;
}

/** True for adapters that rasterise on the CPU (Mesa llvmpipe/softpipe/lavapipe, SwiftShader, fallback adapters). */
export function isSoftwareAdapter(adapter: unknown): boolean {
  const a = adapter as { isFallbackAdapter?: boolean; info?: Record<string, unknown> } | null;
  if (a?.isFallbackAdapter === true || a?.info?.['isFallbackAdapter'] === true) return true;
  const text = adapterStrings(adapter).join(' ');
  return /llvmpipe|softpipe|lavapipe|swiftshader/i.test(text);
}

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import {
  AUTO_ORDER,
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  type BackendReport,
  type BackendStatus,
  BackendUnavailableError,
  type ConcreteBackend,
  REPORT_ORDER,
  type UseBackendOptions,
} from './types.js';
import { mismatchMessage } from './versions.js';

/** How one backend is brought up on one platform. */
export interface Provider {
  name: ConcreteBackend;
  tfjsName: string;
  /** The npm package providing it (its version must equal tfjs-core's). */
  packageName: string;
  /**
   * Loads the package and checks what tfjs cannot check for us (an adapter, a native binding), throwing
   * {@link BackendUnavailableError} with the reason. Runs before `tf.setBackend`.
   */
  prepare(options: UseBackendOptions): Promise<{ detail?: string; software?: boolean }>;
  /** Runs after `tf.setBackend` succeeded: a last check (CUDA really on a GPU) and extra detail. */
  verify?(): Promise<string | undefined>;
}

/** The providers and facts of one platform (browser or Node). */
export interface Platform {
  kind: 'node' | 'browser';
  providers: Record<ConcreteBackend, Provider>;
  /** tfjs package name → version, for every tfjs package this platform can see. */
  versions(): Promise<Record<string, string>>;
}

/** Validates a backend name, naming the argument and the value on error. */
export function checkBackendName(name: unknown): BackendName {
  if (typeof name !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError('useBackend', 'name', `one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}`, name);
  }
  return name as BackendName;
}

// tfjs reports a failed backend initialisation only through console.warn; keep its words for our error.
async function capturingWarnings<T>(run: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  try {
    return { value: await run(), warnings };
  } finally {
    console.warn = original;
  }
}

// The backend `useBackend` last brought up, so the report can restore it exactly (`blas` and `wasm` share
// tfjs's wasm backend and differ only in its kernels).
let lastActivated: { platform: Platform; name: ConcreteBackend; options: UseBackendOptions } | null = null;

async function activate(
  platform: Platform,
  name: ConcreteBackend,
  options: UseBackendOptions,
  forAuto = false,
): Promise<BackendChoice & { software?: boolean }> {
  const provider = platform.providers[name];
  const versions = await platform.versions();
  const own = versions[provider.packageName];
  if (own !== undefined && own !== tf.version_core) {
    throw new BackendUnavailableError(
      name,
      'version-mismatch',
      `${provider.packageName} is ${own} but @tensorflow/tfjs-core is ${tf.version_core}`,
      `install matching versions, e.g. npm i ${provider.packageName}@${tf.version_core}`,
    );
  }
  const { detail, software } = await provider.prepare(options);
  if (software && forAuto && !options.allowSoftwareGpu) {
    throw new BackendUnavailableError(
      name,
      'software-only',
      `the only adapter is a CPU rasteriser (${detail ?? 'software'}), slower than wasm`,
      "ask for 'webgpu' by name, or pass allowSoftwareGpu: true",
    );
  }
  const before = tf.engine().backendName ?? null;
  const { value: ok, warnings } = await capturingWarnings(() => tf.setBackend(provider.tfjsName));
  if (!ok || tf.getBackend() !== provider.tfjsName) {
    const why = warnings.join('; ') || 'tf.setBackend returned false';
    throw new BackendUnavailableError(name, 'init-failed', `tfjs could not initialise "${provider.tfjsName}": ${why}`);
  }
  let more: string | undefined;
  try {
    more = await provider.verify?.();
  } catch (e) {
    // e.g. CUDA that would run on the CPU: do not leave the process on a backend the caller refused
    if (before && before !== provider.tfjsName) await capturingWarnings(() => tf.setBackend(before));
    throw e;
  }
  const details = [detail, more].filter((d): d is string => !!d);
  lastActivated = { platform, name, options };
  return {
    name,
    tfjsName: provider.tfjsName,
    ...(details.length ? { detail: details.join('; ') } : {}),
    ...(software ? { software } : {}),
    skipped: [],
  };
}

/** `useBackend` for a platform: resolves once tfjs runs on the backend, or rejects saying why it cannot. */
export async function useBackendOn(platform: Platform, name: BackendName, options: UseBackendOptions = {}): Promise<BackendChoice> {
  const checked = checkBackendName(name);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new ConfigError('useBackend', 'threads', 'a positive integer', options.threads);
  }
  if (checked !== 'auto') return activate(platform, checked, options);
  const skipped: BackendChoice['skipped'] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const { software: _software, ...choice } = await activate(platform, candidate, options, true);
      return { ...choice, skipped };
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      skipped.push({ name: candidate, reason: e.reason });
    }
  }
  throw new BackendUnavailableError('auto', 'init-failed', skipped.map((s) => `${s.name}: ${s.reason}`).join('; '));
}

/**
 * Tries every backend and says which are usable and why the others are not. The backend active before the
 * call is active again afterwards (backends that started stay registered, so later use is instant).
 */
export async function backendReportOn(platform: Platform, options: UseBackendOptions = {}): Promise<BackendReport> {
  const before = tf.engine().backendName ?? null;
  const restore = lastActivated?.platform.kind === platform.kind ? lastActivated : null;
  const versions = await platform.versions();
  const backends: BackendStatus[] = [];
  for (const name of REPORT_ORDER) {
    const provider = platform.providers[name];
    const version = versions[provider.packageName];
    const base = { name, tfjsName: provider.tfjsName, ...(version ? { version } : {}) };
    try {
      const choice = await activate(platform, name, options);
      backends.push({
        ...base,
        usable: true,
        ...(choice.detail ? { detail: choice.detail } : {}),
        ...(choice.software ? { software: true } : {}),
      });
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      backends.push({ ...base, usable: false, kind: e.kind, reason: e.reason, ...(e.fix ? { fix: e.fix } : {}) });
    }
  }
  if (restore && before === platform.providers[restore.name].tfjsName) {
    await activate(platform, restore.name, restore.options).catch(() => capturingWarnings(() => tf.setBackend(before)));
  } else if (before) {
    await capturingWarnings(() => tf.setBackend(before));
  }
  const autoTakes = (b: BackendStatus) => b.usable && (!b.software || options.allowSoftwareGpu === true);
  const usable = new Set(backends.filter(autoTakes).map((b) => b.name));
  return {
    platform: platform.kind,
    tfjsCore: tf.version_core,
    active: tf.engine().backendName ?? null,
    auto: AUTO_ORDER.find((n) => usable.has(n)) ?? null,
    backends,
    versions,
    versionMismatch: mismatchMessage(versions, tf.version_core),
  };
}

/** The report as an aligned plain-text table (what `mlp-blocks info` prints). */
export function formatBackendReport(report: BackendReport): string {
  const rows = report.backends.map((b) => [
    b.name,
    b.usable ? 'yes' : 'no',
    b.version ?? '-',
    b.usable ? `${b.detail ?? ''}${b.software ? ' [software adapter: auto skips it]' : ''}` : `${b.reason ?? ''}${b.fix ? ` (fix: ${b.fix})` : ''}`,
  ]);
  const header = ['backend', 'usable', 'version', 'detail / why not'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.slice().map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    line(header),
    ...rows.map(line),
    '',
    `auto picks: ${report.auto ?? '(none usable)'}`,
    `tfjs versions: ${report.versionMismatch ?? `all ${report.tfjsCore}`}`,
  ].join('\n');
}

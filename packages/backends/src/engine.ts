import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from './errors.js';
import { type BackendProvider, findProvider, type PreparedBackend, providersFor } from './registry.js';
import {
  type BackendChoice,
  type BackendPlatform,
  type BackendReport,
  type BackendStatus,
  BackendUnavailableError,
  type UseBackendOptions,
} from './types.js';
import { mismatchMessage } from './versions.js';

/** The facts of one platform (browser or Node) that are not providers. */
export interface Platform {
  kind: BackendPlatform;
  /** tfjs package name → version, for every tfjs package this platform can see. */
  versions(): Promise<Record<string, string>>;
}

const IMPORT_HINT =
  'A backend from a provider package is registered when that package is imported: import it before calling useBackend';

/**
 * The provider of `name` on this platform. An unregistered name is a ConfigError listing the registered names;
 * a name registered only for the other platform is a BackendUnavailableError (`unsupported-platform`).
 */
export function resolveProvider(platform: BackendPlatform, name: unknown): BackendProvider | 'auto' {
  if (name === 'auto') return 'auto';
  const known = ['auto', ...new Set([...providersFor('node'), ...providersFor('browser')].map((p) => p.name))];
  const expected = `one of ${known.map((n) => `"${n}"`).join(', ')}`;
  if (typeof name !== 'string') throw new ConfigError('useBackend', 'name', expected, name);
  const provider = findProvider(name, platform);
  if (provider) return provider;
  const other = findProvider(name, platform === 'node' ? 'browser' : 'node');
  if (other) {
    throw new BackendUnavailableError(
      name,
      'unsupported-platform',
      `${other.packageName} provides "${name}" for ${other.platforms.join(' and ')} only; it cannot run ${platform === 'browser' ? 'in this browser-safe entry' : 'in Node'}`,
      platform === 'browser' ? "in Node, import useBackend from '@mlp-blocks/backends/node'" : undefined,
    );
  }
  throw new ConfigError('useBackend', 'name', expected, name, `useBackend: option "name" must be ${expected}, received ${describe(name)}. ${IMPORT_HINT}.`);
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

async function activate(
  platform: Platform,
  provider: BackendProvider,
  options: UseBackendOptions,
  forAuto = false,
): Promise<BackendChoice & { software?: boolean }> {
  const { name } = provider;
  const versions = await platform.versions();
  for (const packageName of [provider.packageName, ...(provider.tfjsPackages ?? [])]) {
    const own = versions[packageName];
    if (own !== undefined && own !== tf.version_core) {
      throw new BackendUnavailableError(
        name,
        'version-mismatch',
        `${packageName} is ${own} but @tensorflow/tfjs-core is ${tf.version_core}`,
        `install matching versions, e.g. npm i ${packageName}@${tf.version_core}`,
      );
    }
  }
  // Taken before prepare: loading a package may switch backends itself (tfjs-node calls tf.setBackend on import),
  // and a refused backend must leave the caller on the one it had.
  const before = tf.engine().backendName ?? null;
  const restore = async () => {
    if (before && tf.engine().backendName !== before) await capturingWarnings(() => tf.setBackend(before));
  };
  let prepared: PreparedBackend;
  try {
    prepared = await provider.prepare(options);
  } catch (e) {
    await restore();
    throw e;
  }
  const { detail, software } = prepared;
  if (software && forAuto && !options.allowSoftwareGpu) {
    await restore();
    throw new BackendUnavailableError(
      name,
      'software-only',
      `the only adapter is a CPU rasteriser (${detail ?? 'software'}), slower than wasm`,
      `ask for '${name}' by name, or pass allowSoftwareGpu: true`,
    );
  }
  const { value: ok, warnings } = await capturingWarnings(() => tf.setBackend(provider.tfjsName));
  if (!ok || tf.getBackend() !== provider.tfjsName) {
    const why = warnings.join('; ') || 'tf.setBackend returned false';
    await restore();
    throw new BackendUnavailableError(name, 'init-failed', `tfjs could not initialise "${provider.tfjsName}": ${why}`);
  }
  let more: string | undefined;
  try {
    more = await provider.verify?.();
  } catch (e) {
    // e.g. CUDA that would run on the CPU: do not leave the process on a backend the caller refused
    await restore();
    throw e;
  }
  const details = [detail, more].filter((d): d is string => !!d);
  return {
    name,
    tfjsName: provider.tfjsName,
    ...(details.length ? { detail: details.join('; ') } : {}),
    ...(software ? { software } : {}),
    skipped: [],
  };
}

/** `useBackend` for a platform: resolves once tfjs runs on the backend, or rejects saying why it cannot. */
export async function useBackendOn(platform: Platform, name: string, options: UseBackendOptions = {}): Promise<BackendChoice> {
  const resolved = resolveProvider(platform.kind, name);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new ConfigError('useBackend', 'threads', 'a positive integer', options.threads);
  }
  if (resolved !== 'auto') return activate(platform, resolved, options);
  const skipped: BackendChoice['skipped'] = [];
  for (const candidate of providersFor(platform.kind).filter((p) => p.auto === true)) {
    try {
      const { software: _software, ...choice } = await activate(platform, candidate, options, true);
      return { ...choice, skipped };
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      skipped.push({ name: candidate.name, reason: e.reason });
    }
  }
  throw new BackendUnavailableError(
    'auto',
    'init-failed',
    skipped.length ? skipped.map((s) => `${s.name}: ${s.reason}`).join('; ') : 'no backend that auto may pick is registered',
  );
}

/**
 * Tries every registered backend and says which are usable and why the others are not. The backend active
 * before the call is active again afterwards (backends that started stay registered, so later use is instant).
 */
export async function backendReportOn(platform: Platform, options: UseBackendOptions = {}): Promise<BackendReport> {
  const before = tf.engine().backendName ?? null;
  const versions = await platform.versions();
  const providers = providersFor(platform.kind);
  const backends: BackendStatus[] = [];
  for (const provider of providers) {
    const version = versions[provider.packageName] ?? provider.version;
    const base = { name: provider.name, tfjsName: provider.tfjsName, packageName: provider.packageName, ...(version ? { version } : {}) };
    try {
      const choice = await activate(platform, provider, options);
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
  if (before && tf.engine().backendName !== before) await capturingWarnings(() => tf.setBackend(before));
  const autoTakes = (b: BackendStatus) => b.usable && (!b.software || options.allowSoftwareGpu === true);
  const usable = new Set(backends.filter(autoTakes).map((b) => b.name));
  return {
    platform: platform.kind,
    tfjsCore: tf.version_core,
    active: tf.engine().backendName ?? null,
    auto: providers.find((p) => p.auto === true && usable.has(p.name))?.name ?? null,
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
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

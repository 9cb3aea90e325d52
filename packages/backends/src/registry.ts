// The backend provider registry: every backend `useBackend` can start is a provider registered here, the
// built-in ones by this package's entries, others by their own packages when imported. `useBackend`,
// `backendReport` and `auto` read only this registry, so a provider package plugs in without an edit here.
import { ConfigError, describe } from './errors.js';
import type { BackendPlatform, UseBackendOptions } from './types.js';

/** What a provider's `prepare` found. */
export interface PreparedBackend {
  /** What was found (adapter, threads, library), shown by `useBackend`'s choice and the report. */
  detail?: string;
  /** A GPU adapter emulated on the CPU: usable by name, passed over by `auto` unless allowed. */
  software?: boolean;
}

/** How one backend is brought up on one platform; registered with {@link registerBackendProvider}. */
export interface BackendProvider {
  /** The name `useBackend` takes: lower-case letters, digits and `-`, not `auto`. */
  name: string;
  /** The tfjs backend it starts: `tf.getBackend()` returns this once it runs. */
  tfjsName: string;
  /** The npm package providing it: named in errors and install hints. */
  packageName: string;
  /** That package's version when it is not a tfjs package (tfjs packages' versions are read from disk). */
  version?: string;
  /**
   * tfjs packages it runs on, besides `packageName`: each must have tfjs-core's version, or the backend is
   * refused with a `version-mismatch` naming both versions.
   */
  tfjsPackages?: readonly string[];
  /** Where this implementation runs. One name may have one provider per platform. */
  platforms: readonly BackendPlatform[];
  /**
   * Position in the report and in `auto`'s order, lower first: the faster backend first. Built in: cuda 100,
   * webgpu 300, tensorflow 350, wasm 500, cpu 600 (@mlp-blocks/backend-blas: 400).
   */
  rank: number;
  /** Whether `auto` may pick it (default false: only by name). */
  auto?: boolean;
  /** One line saying what it is, for listings. */
  description?: string;
  /**
   * Loads what it needs and checks what tfjs cannot check (an adapter, a native binding), throwing a
   * `BackendUnavailableError` with the reason and the fix. Runs before `tf.setBackend(tfjsName)`.
   */
  prepare(options: UseBackendOptions): Promise<PreparedBackend>;
  /** Runs after `tf.setBackend` succeeded: a last check (CUDA really on a GPU) and extra detail. */
  verify?(): Promise<string | undefined>;
}

/** A registered backend as {@link listBackends} describes it (one entry per name, all platforms merged). */
export interface BackendInfo {
  name: string;
  tfjsName: string;
  packageName: string;
  platforms: BackendPlatform[];
  rank: number;
  auto: boolean;
  description?: string;
}

const PLATFORMS: readonly BackendPlatform[] = ['node', 'browser'];
const NAME = /^[a-z][a-z0-9-]*$/;

// One registry per process, kept on globalThis: a provider package that resolved another copy of this
// package (a second version, a bundler's duplicate) still registers where useBackend looks.
const KEY = Symbol.for('@mlp-blocks/backends:providers');
type Store = Map<string, BackendProvider>; // `${platform}:${name}` → provider
const store: Store = ((globalThis as Record<symbol, unknown>)[KEY] as Store | undefined) ?? new Map();
(globalThis as Record<symbol, unknown>)[KEY] = store;

function fail(provider: unknown, key: string, expected: string, value: unknown): never {
  const name = (provider as { name?: unknown } | null)?.name;
  throw new ConfigError(
    `registerBackendProvider(${typeof name === 'string' ? name : '?'})`,
    key,
    expected,
    value,
  );
}

/**
 * Registers a backend `useBackend` can start, for each platform in `provider.platforms`. Registering the same
 * name and platform again from the same package replaces the earlier provider; from another package it throws.
 * Call it when your package is imported (a module listed in its `sideEffects`).
 */
export function registerBackendProvider(provider: BackendProvider): BackendProvider {
  if (provider == null || typeof provider !== 'object') fail(provider, 'provider', 'an object', provider);
  if (typeof provider.name !== 'string' || !NAME.test(provider.name) || provider.name === 'auto') {
    fail(provider, 'name', "lower-case letters, digits and '-', starting with a letter, not \"auto\"", provider.name);
  }
  for (const key of ['tfjsName', 'packageName'] as const) {
    if (typeof provider[key] !== 'string' || provider[key] === '') fail(provider, key, 'a non-empty string', provider[key]);
  }
  if (
    !Array.isArray(provider.platforms) ||
    provider.platforms.length === 0 ||
    !provider.platforms.every((p) => PLATFORMS.includes(p))
  ) {
    fail(provider, 'platforms', 'a non-empty list of "node" and "browser"', provider.platforms);
  }
  if (typeof provider.rank !== 'number' || !Number.isFinite(provider.rank)) fail(provider, 'rank', 'a finite number', provider.rank);
  if (provider.auto !== undefined && typeof provider.auto !== 'boolean') fail(provider, 'auto', 'a boolean', provider.auto);
  if (typeof provider.prepare !== 'function') fail(provider, 'prepare', 'a function', provider.prepare);
  if (provider.verify !== undefined && typeof provider.verify !== 'function') fail(provider, 'verify', 'a function', provider.verify);
  if (provider.tfjsPackages !== undefined && !(Array.isArray(provider.tfjsPackages) && provider.tfjsPackages.every((p) => typeof p === 'string'))) {
    fail(provider, 'tfjsPackages', 'a list of package names', provider.tfjsPackages);
  }
  for (const platform of provider.platforms) {
    const existing = store.get(`${platform}:${provider.name}`);
    if (existing && existing.packageName !== provider.packageName) {
      throw new Error(
        `registerBackendProvider(${provider.name}): ${describe(provider.packageName)} cannot register "${provider.name}" for ${platform}: ` +
          `${describe(existing.packageName)} already did`,
      );
    }
  }
  for (const platform of provider.platforms) store.set(`${platform}:${provider.name}`, provider);
  return provider;
}

/** The provider registered for `name` on `platform`, if any. */
export function findProvider(name: string, platform: BackendPlatform): BackendProvider | undefined {
  return store.get(`${platform}:${name}`);
}

/** Every provider registered for `platform`, lowest rank first (ties: by name). */
export function providersFor(platform: BackendPlatform): BackendProvider[] {
  return [...store.entries()]
    .filter(([key]) => key.startsWith(`${platform}:`))
    .map(([, p]) => p)
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
}

/**
 * Every registered backend, lowest rank first, each once with the platforms it has a provider for. Provider
 * packages appear once imported.
 */
export function listBackends(): BackendInfo[] {
  const byName = new Map<string, BackendInfo>();
  for (const platform of PLATFORMS) {
    for (const p of providersFor(platform)) {
      const seen = byName.get(p.name);
      if (seen) {
        seen.platforms.push(platform);
        continue;
      }
      byName.set(p.name, {
        name: p.name,
        tfjsName: p.tfjsName,
        packageName: p.packageName,
        platforms: [platform],
        rank: p.rank,
        auto: p.auto === true,
        ...(p.description ? { description: p.description } : {}),
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
}

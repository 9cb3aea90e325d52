import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with one plain "tests: N passed, N failed, N skipped" line that any CI log reader can parse. */
const summary: Reporter = {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) counts.failed++; // a file that failed to load
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  },
};

/** Every package folder under packages/ (found, not listed: a new package's tests run without an edit here). */
function packageDirs(): string[] {
  const packages = fileURLToPath(new URL('./packages/', import.meta.url));
  return readdirSync(packages, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${packages}${d.name}/package.json`))
    .map((d) => `packages/${d.name}`)
    .sort();
}

// One root config; each package is a project so `vitest run` covers the whole monorepo.
export default defineConfig({
  test: {
    reporters: ['default', summary],
    projects: [
      ...packageDirs().map((dir) => ({
        test: {
          name: dir.replace('packages/', ''),
          root: dir,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks' as const,
        },
      })),
      {
        // bench/: the plain tf.layers benchmark models match the mlp-blocks ones (no timing).
        test: {
          name: 'bench',
          root: 'bench',
          include: ['**/*.test.mjs'],
          testTimeout: 60_000,
          pool: 'forks' as const,
        },
      },
      {
        // The browser playground's end-to-end test: builds the page and drives headless chromium.
        test: {
          name: 'playground',
          root: 'examples/playground',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 150_000,
          pool: 'forks' as const,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// One root config; each package is a project so `vitest run` covers the whole monorepo.
export default defineConfig({
  test: {
    projects: [
      'packages/core',
      'packages/blocks-hourglass',
      'packages/blocks-gmlp',
      'packages/blocks-mixer',
      'packages/datasets',
      'packages/train',
    ].map((dir) => ({
      test: {
        name: dir.replace('packages/', ''),
        root: dir,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
      },
    })),
  },
});

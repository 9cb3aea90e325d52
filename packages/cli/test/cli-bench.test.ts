// `mlp-blocks bench`: what it reports (never how fast: tests do not time anything).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { median } from '../src/index.js';
import { cli, errorLines, run } from './helpers.js';

describe('bench', () => {
  it('median of odd and even lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks bench', () => {
  it('reports each timed window and their median for a spec completed from --input-dim/--output-dim', () => {
    const r = run('bench', '--model', '{"model":"hourglass","width":32,"bottleneck":8,"depth":2}', '--input-dim', '64', '--output-dim', '16',
      '--batch-size', '16', '--steps', '2', '--warmup', '1', '--windows', '3', '--backend', 'cpu', '--json');
    expect(r.status, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b).toMatchObject({ backend: 'cpu', batchSize: 16, steps: 2, warmup: 1, spec: { model: 'hourglass', inputDim: 64, outputDim: 16 } });
    expect(b.trainable).toBe(64 * 32 + 32 * 16 + 2 * 2 * 32 * 8);
    expect(b.windows).toHaveLength(3);
    expect(b.samplesPerSecond).toBeCloseTo(median(b.windows), 0);
    for (const w of b.windows) expect(w).toBeGreaterThan(0);
  });

  // Issue 20 item 4: bench once failed for every gMLP and Mixer spec (`unknown option "outputDim"`) and called blas wasm.
  it('benches every family of the gmlp and mixer packages on batches of their own shapes, and names the backend it ran on (blas is its own)', () => {
    const specs = [
      'gmlp_mnist', '{"model":"gmlp","kind":"sequence","vocabSize":16,"seqLen":8,"embedDim":8,"depth":1}',
      '{"model":"mixer","imageSize":8,"patchSize":4,"inputChannels":1,"embedDim":8,"depth":1,"numClasses":3}',
      '{"model":"resmlp","imageSize":8,"patchSize":4,"inputChannels":1,"embedDim":8,"depth":1,"numClasses":3}',
      '{"model":"tsmixer","seqLen":8,"features":3,"horizon":2,"depth":1}',
    ];
    for (const model of specs) {
      const r = run('bench', '--model', model, '--batch-size', '4', '--steps', '1', '--warmup', '1', '--windows', '1', '--backend', 'blas', '--json');
      expect(r.status, `${model}: ${r.stderr}`).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b.backend).toBe('blas');
      expect(b.spec).not.toHaveProperty('inputDim');
      expect(b.samplesPerSecond).toBeGreaterThan(0);
    }
  });

  it('a spec that fails validation is one line naming --model', () => {
    const r = run('bench', '--model', '{"model":"hourglass","width":32,"bottleneck":0,"depth":2}', '--backend', 'cpu');
    expect(r.status).toBe(1);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0]).toMatch(/^mlp-blocks: --model: .*bottleneck/);
  });
});

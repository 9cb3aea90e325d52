// `info` probes backends in a child process and reports what native libraries printed, instead of leaving Dawn's
// "Warning: …" lines on stderr (issue 20 item 5c).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitProbeStderr } from '../src/cli/info-probe.js';
import { cli, errorLines, run } from './helpers.js';

// What Dawn (webgpu 0.6.2) prints on a machine without Vulkan, verbatim.
const DAWN = `Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory
    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)

Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.
Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 80 to 16 to fit dynamic offset allocation limit.
Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.
some plugin's own line
`;

describe('splitProbeStderr', () => {
  it('keeps each native warning once without its source location, and passes other lines on', () => {
    expect(splitProbeStderr(DAWN)).toEqual({
      warnings: [
        "Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
        'maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
        'maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 80 to 16 to fit dynamic offset allocation limit.',
      ],
      rest: ["some plugin's own line"],
    });
  });
});

// What libtensorflow 2.21 (under tfjs-node) prints when it loads, verbatim but for the timestamps.
const TENSORFLOW = `WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796525951.784014   13368 port.cc:153] oneDNN custom operations are on.
I0000 00:00:1796525952.364726   13368 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.
W0000 00:00:1796525952.400000   13368 port.cc:9] oneDNN custom operations are on.
mlp-blocks: backend "cuda" is not usable: no CUDA device
`;

describe('splitProbeStderr on TensorFlow logs', () => {
  it('takes glog-format lines as native warnings, joins their continuation, drops absl\'s preamble, keeps our error', () => {
    expect(splitProbeStderr(TENSORFLOW)).toEqual({
      warnings: [
        'oneDNN custom operations are on.',
        'This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations. To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.',
      ],
      rest: ['mlp-blocks: backend "cuda" is not usable: no CUDA device'],
    });
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks info stderr', () => {
  it('info leaves no native "Warning:" line on stderr and reports the captured ones in its output', () => {
    const json = run('info', '--json');
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).not.toMatch(/^Warning:/m);
    const info = JSON.parse(json.stdout);
    expect(Array.isArray(info.probeWarnings)).toBe(true);
    const text = run('info');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).not.toMatch(/^Warning:/m);
    for (const w of info.probeWarnings) expect(text.stdout).toContain(`\n  ${w}`);
    if (info.probeWarnings.length > 0) expect(text.stdout).toContain('probe warnings (printed by native libraries while probing, e.g. Dawn for webgpu; captured');
  });

  it('a failing probe passes its one-line error and exit code on, without the native warnings', () => {
    const r = run('info', '--backend', 'cuda'); // no CUDA binding here (as cli.test.ts's info test finds)
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([expect.stringMatching(/^mlp-blocks: backend "cuda" is not usable: /)]);
  });
});

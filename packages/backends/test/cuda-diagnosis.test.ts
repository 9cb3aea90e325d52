// The CUDA checks run on a user's NVIDIA machine; there is no GPU here, so these tests feed the diagnosis
// mocked environments (what nvidia-smi and the loader path would show) and check what it concludes.
import { describe, expect, it } from 'vitest';
import { diagnoseCuda } from '../src/cuda-diagnosis.js';

const smi = (cuda: string) =>
  `| NVIDIA-SMI 550.54.15    Driver Version: 550.54.15    CUDA Version: ${cuda}     |\n| GPU  Name  ... |`;

describe('diagnoseCuda (mocked environments: no GPU on this machine)', () => {
  it('no driver: says nvidia-smi is missing', () => {
    expect(diagnoseCuda({ nvidiaSmi: null, libraries: [] })).toMatchObject({ ok: false, reason: expect.stringMatching(/no NVIDIA driver/) });
  });

  it('a CUDA 12 machine: explains that libtensorflow 2.9.1 would silently run on the CPU', () => {
    const d = diagnoseCuda({
      nvidiaSmi: smi('12.4'),
      libraries: ['libcudart.so.12', 'libcublas.so.12', 'libcudnn.so.9'],
    });
    expect(d.ok).toBe(false);
    expect(d.reason).toBe(
      'libtensorflow 2.9.1 needs CUDA 11.2 + cuDNN 8.1 but libcudart.so.11.0, libcublas.so.11, libcudnn.so.8 are missing ' +
        '(found libcudart.so.12; driver supports CUDA 12.4), so TensorFlow would silently run on the CPU',
    );
    expect(d.fix).toMatch(/CUDA 11\.2 and cuDNN 8\.1 runtime libraries .* LD_LIBRARY_PATH/);
  });

  it('CUDA 11 runtime without cuDNN: names only what is missing', () => {
    const d = diagnoseCuda({ nvidiaSmi: smi('11.8'), libraries: ['libcudart.so.11.0', 'libcublas.so.11'] });
    expect(d.reason).toMatch(/but libcudnn\.so\.8 is missing \(found libcudart\.so\.11\.0; driver supports CUDA 11\.8\)/);
  });

  it('everything libtensorflow 2.9.1 links against: ok', () => {
    expect(diagnoseCuda({ nvidiaSmi: smi('12.2'), libraries: ['libcudart.so.11.0', 'libcublas.so.11', 'libcudnn.so.8', 'libcudart.so.12'] }).ok).toBe(true);
  });
});

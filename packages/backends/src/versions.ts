/** The tfjs packages whose versions must agree with tfjs-core's in one process. */
export const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
] as const;

/** Names every package whose version differs from tfjs-core's, with both versions; null when all agree. */
export function mismatchMessage(versions: Record<string, string>, coreVersion: string): string | null {
  const off = Object.entries(versions).filter(([name, v]) => name !== '@tensorflow/tfjs-core' && v !== coreVersion);
  if (off.length === 0) return null;
  return (
    `tfjs packages disagree with @tensorflow/tfjs-core ${coreVersion}: ` +
    off.map(([name, v]) => `${name} ${v}`).join(', ') +
    `; install them all at ${coreVersion}`
  );
}

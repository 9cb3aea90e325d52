// Test helper: a file:// router that behaves as @tensorflow/tfjs-node's (registered on import, unconditionally;
// answers every file:// URL). tfjs-node itself needs its native library, which a test machine may lack.
import * as tf from '@tensorflow/tfjs-core';

type TfjsRouter = Parameters<typeof tf.io.registerSaveRouter>[0];

/** The URLs the stand-in saved, with what it saved there. */
export const standInFiles = new Map<string, tf.io.ModelArtifacts>();

/** Registers the stand-in's save and load routers, as `require('@tensorflow/tfjs-node')` does. */
export function registerTfjsNodeStandIn(): void {
  const router = (url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    return {
      standIn: true,
      save: async (artifacts: tf.io.ModelArtifacts) => {
        standInFiles.set(url, artifacts);
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
      load: async () => standInFiles.get(url.replace(/\/model\.json$/, ''))!,
    };
  };
  tf.io.registerSaveRouter(router as TfjsRouter);
  tf.io.registerLoadRouter(router as TfjsRouter);
}

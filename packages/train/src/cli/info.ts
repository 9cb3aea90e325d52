import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { listBlocks, listModels } from '@mlp-blocks/core';

export interface Info {
  node: string;
  tfjsCore: string;
  tfjsLayers: string;
  backend: string;
  blocks: string[];
  models: string[];
}

/** What this installation offers: versions, the active backend, registered blocks and model specs. */
export async function collectInfo(backend: string): Promise<Info> {
  await tf.setBackend(backend);
  await tf.ready();
  return {
    node: process.version,
    tfjsCore: tf.version_core,
    tfjsLayers: tfl.version_layers,
    backend: tf.getBackend(),
    blocks: listBlocks(),
    models: listModels(),
  };
}

export function formatInfo(info: Info): string {
  return [
    `node          ${info.node}`,
    `tfjs-core     ${info.tfjsCore}`,
    `tfjs-layers   ${info.tfjsLayers}`,
    `backend       ${info.backend}`,
    `blocks        ${info.blocks.join(', ') || '(none)'}`,
    `models        ${info.models.join(', ') || '(none)'}`,
  ].join('\n');
}

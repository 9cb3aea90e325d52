import * as tfl from '@tensorflow/tfjs-layers';
import { listBlocks, listModels } from '@mlp-blocks/core';
import {
  type BackendName,
  type BackendReport,
  backendReport,
  formatBackendReport,
  useBackend,
} from '@mlp-blocks/backends/node';
import * as tf from '@tensorflow/tfjs-core';

/** What `mlp-blocks info` reports (see `collectInfo`). */
export interface Info {
  node: string;
  tfjsCore: string;
  tfjsLayers: string;
  /** The backend `--backend` resolved to (for `auto`: what auto picked). */
  backend: string;
  backendDetail?: string;
  /** Every backend: usable here or not, and why not. */
  report: BackendReport;
  blocks: string[];
  models: string[];
  /**
   * Warnings native libraries printed while the backends were probed (Dawn's, for webgpu), captured rather than
   * left on stderr; absent when probed in the process itself (`--in-process`), where nothing can capture them.
   */
  probeWarnings?: string[];
}

/** What this installation offers: versions, the backend report, the chosen backend, blocks and model specs. */
export async function collectInfo(backend: BackendName): Promise<Info> {
  const report = await backendReport();
  const choice = await useBackend(backend);
  return {
    node: process.version,
    tfjsCore: tf.version_core,
    tfjsLayers: tfl.version_layers,
    backend: choice.name,
    ...(choice.detail ? { backendDetail: choice.detail } : {}),
    report,
    blocks: listBlocks(),
    models: listModels(),
  };
}

/** The text `mlp-blocks info` prints for an Info. */
export function formatInfo(info: Info): string {
  return [
    `node          ${info.node}`,
    `tfjs-core     ${info.tfjsCore}`,
    `tfjs-layers   ${info.tfjsLayers}`,
    `backend       ${info.backend}${info.backendDetail ? ` (${info.backendDetail})` : ''}`,
    `blocks        ${info.blocks.join(', ') || '(none)'}`,
    `models        ${info.models.join(', ') || '(none)'}`,
    '',
    formatBackendReport(info.report),
    ...(info.probeWarnings?.length
      ? ['', 'probe warnings (printed by native libraries while probing, e.g. Dawn for webgpu; captured, the table above has the verdict):',
        ...info.probeWarnings.map((w) => `  ${w}`)]
      : []),
  ].join('\n');
}

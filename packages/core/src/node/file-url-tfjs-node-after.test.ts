import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTfjsNodeStandIn, standInFiles } from '../../test/tfjs-node-stand-in.js';

// Each order in its own file (tfjs has no way to unregister a router): here core's router is registered first.
beforeAll(async () => {
  await tf.setBackend('cpu');
  await import('./index.js');
  registerTfjsNodeStandIn();
});

describe('file:// with @tensorflow/tfjs-node imported after @mlp-blocks/core/node', () => {
  it("leaves the URL to tfjs-node's handler: one handler, so save and load work instead of 'Found more than one'", async () => {
    const [save] = tf.io.getSaveHandlers('file://out/m');
    expect(tf.io.getSaveHandlers('file://out/m')).toHaveLength(1);
    expect(tf.io.getLoadHandlers('file://out/m/model.json')).toHaveLength(1);
    expect((save as { standIn?: boolean }).standIn).toBe(true);
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    await model.save('file://out/m');
    expect(standInFiles.has('file://out/m')).toBe(true);
    const again = await tfl.loadLayersModel('file://out/m/model.json');
    expect(again.layers).toHaveLength(1);
    again.dispose();
    model.dispose();
  });
});

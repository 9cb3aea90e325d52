// Side effect of importing @mlp-blocks/core/node: `model.save('file://out')` and `tf.loadLayersModel('file://out')`
// go through core's checked file handler (once per process; tfjs-node's own router answers instead when it is loaded).
import { registerFileUrlRouter } from './file-url.js';

registerFileUrlRouter();

/**
 * `file://` URLs for `model.save` and `tf.loadLayersModel` in Node, answered by core's checked file handler (as
 * `@tensorflow/tfjs-node` answers them with its own), so `model.save('file://out')` works without tfjs-node.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { MissingBlockError, checkArtifacts } from '../registry.js';
import { ModelFileError, fileSystem, resolveModelJsonPath } from './file-system.js';

/** The URL scheme the router answers; the rest of the URL is a path, relative to the working directory or absolute. */
export const FILE_URL_SCHEME = 'file://';

/** tfjs's router type (not exported by name): it declares a handler for every URL. */
type TfjsRouter = Parameters<typeof tf.io.registerSaveRouter>[0];
type Router = (url: string | string[], loadOptions?: tf.io.LoadOptions) => tf.io.IOHandler | null;

interface RouterState {
  /** The `tf.io.registerSaveRouter` of each tfjs-core instance this process registered the router with. */
  registered: WeakSet<object>;
  /** True while the router asks tfjs which other routers answer a URL. */
  probing: boolean;
}

// Process-wide, so every copy of core (two installed versions, a bundle beside node_modules) shares it: two
// registered copies would each step aside for the other (see `router`) and leave file:// with no handler at all.
const STATE_KEY = Symbol.for('@mlp-blocks/core/node:file-url-router');

function routerState(): RouterState {
  const global = globalThis as { [STATE_KEY]?: RouterState };
  return (global[STATE_KEY] ??= { registered: new WeakSet(), probing: false });
}

/**
 * Registers the `file://` save and load routers with tfjs, once per process and tfjs-core instance (importing
 * `@mlp-blocks/core/node` calls it; further calls do nothing). Returns whether this call registered them.
 */
export function registerFileUrlRouter(): boolean {
  const state = routerState();
  if (state.registered.has(tf.io.registerSaveRouter)) return false;
  state.registered.add(tf.io.registerSaveRouter);
  // tfjs types a router as always returning a handler; returning null for other URLs is what its own routers do.
  tf.io.registerSaveRouter(router('save') as TfjsRouter);
  tf.io.registerLoadRouter(router('load') as TfjsRouter);
  return true;
}

function router(kind: 'save' | 'load'): Router {
  return (url, loadOptions) => {
    // tfjs-node also takes a list of URLs; loading the model.json alone is what layers models need.
    if (typeof url !== 'string' || !url.startsWith(FILE_URL_SCHEME)) return null;
    const state = routerState();
    if (state.probing) return null;
    // tfjs refuses a URL that two routers answer ("Found more than one ... handlers"), and @tensorflow/tfjs-node
    // registers its own file:// router on import, unconditionally, before or after this one. Its router cannot
    // step aside, so this one does: with tfjs-node loaded, its handler answers file:// URLs.
    state.probing = true;
    let others: number;
    try {
      others = (kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url, loadOptions)).length;
    } finally {
      state.probing = false;
    }
    return others > 0 ? null : fileUrlHandler(url);
  };
}

/**
 * The handler of one `file://` URL: saves like `fileSystem(dir)`; loads like `loadModel(dir)` (the file checks of
 * `fileSystem`, then every block registered and the weights exactly the model's). The path may be a model folder
 * or its model.json.
 */
export function fileUrlHandler(url: string): tf.io.IOHandler {
  const target = url.startsWith(FILE_URL_SCHEME) ? url.slice(FILE_URL_SCHEME.length) : '';
  if (target === '') {
    // Refused rather than read as the working directory, which `file://` alone almost never means.
    const fail = () => Promise.reject(new ConfigError('@mlp-blocks/core/node', 'url', 'file://<folder> or file://<folder>/model.json', url));
    return { save: fail, load: fail };
  }
  const files = fileSystem(target);
  return {
    save: async (artifacts) => {
      try {
        return await files.save!(artifacts);
      } catch (error) {
        // File-system errors (ENOTDIR, EACCES, …) get the URL and the folder; the handler's own already name it.
        if (!(error instanceof Error && 'code' in error)) throw error;
        const dir = path.resolve(target);
        throw new ModelFileError(`Cannot save the model to ${url} (${dir}): ${error.message}`, dir, { cause: error });
      }
    },
    load: async () => {
      try {
        const artifacts = await files.load!();
        await checkArtifacts(artifacts);
        return artifacts;
      } catch (error) {
        throw await loadError(error, target);
      }
    },
  };
}

/** A load failure as `loadModel` reports it: ModelFileError and MissingBlockError as they are, others named by file. */
export async function loadError(error: unknown, target: string): Promise<Error> {
  if (error instanceof ModelFileError || error instanceof MissingBlockError) return error;
  const jsonPath = await resolveModelJsonPath(target).catch(() => path.resolve(target));
  const message = error instanceof Error ? error.message.replace(/^loadBlocksModel: /, '') : String(error);
  return new ModelFileError(`Cannot load the model in ${jsonPath}: ${message}`, jsonPath, { cause: error });
}

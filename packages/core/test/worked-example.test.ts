// The worked example of CONTRIBUTING.md: a SwiGLU feed-forward block, x + W3·(silu(W1·n(x)) ⊙ W2·n(x)),
// written the way every block in this repository is written, and checked by the conformance kit.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import {
  Block, type BlockArgs, CLASS_PREFIX, Dense, type Kwargs, type OptionsInput, type OptionsOutput, type Shape,
  createNorm, defineOptions, oneShape, oneTensor, option, registerBlock, silu,
} from '../src/index.js';
import { checkConformance } from '../src/testing/index.js';

// --- example block: start ---
/** The options of SwiGluBlock: each declared once, with its check, default and doc. */
export const SWIGLU_OPTIONS = defineOptions({
  hidden: option.positiveInt('Hidden width of the two gate projections.'),
  norm: option.withDefault(option.norm("Pre-norm: 'layer', 'rms', 'batch', 'affine' or 'none'."), 'layer'),
});
/** Constructor arguments: the options as a user writes them, plus tfjs's (`name`, `inputShape`, …). */
export type SwiGluBlockArgs = BlockArgs & OptionsInput<typeof SWIGLU_OPTIONS.entries>;
/** The parsed options become the block's properties (`block.hidden`, `block.norm`). */
export interface SwiGluBlock extends Readonly<OptionsOutput<typeof SWIGLU_OPTIONS.entries>> {}

export class SwiGluBlock extends Block {
  static className = `${CLASS_PREFIX}SwiGluBlock`;
  static override packageName = 'mlp-blocks-swiglu';
  private readonly normLayer: Block | null;
  private readonly gate: Dense;
  private readonly value: Dense;
  private out: Dense | null = null;

  constructor(args: SwiGluBlockArgs) {
    super(args);
    Object.assign(this, this.parseOptions(SWIGLU_OPTIONS, args));
    this.normLayer = createNorm(this.norm, 'norm', this.blockName);
    if (this.normLayer) this.own(this.normLayer);
    this.gate = this.own(new Dense({ name: 'gate', units: this.hidden, useBias: false }));
    this.value = this.own(new Dense({ name: 'value', units: this.hidden, useBias: false }));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = oneShape(this.blockName, inputShape);
    const width = shape[shape.length - 1]!;
    this.out = this.own(new Dense({ name: 'out', units: width, useBias: false }));
    if (this.normLayer) this.buildOwned(this.normLayer, shape);
    this.buildOwned(this.gate, shape);
    this.buildOwned(this.value, shape);
    this.buildOwned(this.out, [...shape.slice(0, -1), this.hidden]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return oneShape(this.blockName, inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(this.blockName, inputs);
      const n = this.normLayer ? this.callOwned(this.normLayer, x, kwargs) : x;
      const h = tf.mul(silu(this.callOwned(this.gate, n, kwargs)), this.callOwned(this.value, n, kwargs));
      return tf.add(x, this.callOwned(this.out!, h, kwargs));
    });
  }
}
// --- example block: end ---

registerBlock(SwiGluBlock);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('the worked example passes the conformance kit', async () => {
  await checkConformance({ name: 'SwiGluBlock', create: () => new SwiGluBlock({ hidden: 12 }), inputShape: [5, 8] });
  await checkConformance({ name: 'SwiGluBlock (batch norm)', create: () => new SwiGluBlock({ hidden: 12, norm: 'batch' }), inputShape: [8] });
});

it('computes x + W3·(silu(W1·x) ⊙ W2·x) (checked by hand with norm none)', () => {
  const block = new SwiGluBlock({ hidden: 2, norm: 'none' });
  block.apply(tf.zeros([1, 2]));
  // weights in order gate, value, out: W1 = I, W2 = 2·I, W3 = [[1, 1], [0, 1]]
  block.setWeights([tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[2, 0], [0, 2]]), tf.tensor2d([[1, 1], [0, 1]])]);
  const x = tf.tensor2d([[1, -1]]);
  const y = (block.apply(x) as tf.Tensor).arraySync() as number[][];
  const s = (v: number) => v / (1 + Math.exp(-v));
  const h = [s(1) * 2, s(-1) * -2];
  expect(y[0]![0]).toBeCloseTo(1 + h[0]!, 6);
  expect(y[0]![1]).toBeCloseTo(-1 + h[0]! + h[1]!, 6);
});

it('rejects a bad option with its name and value', () => {
  expect(() => new SwiGluBlock({ hidden: 0 })).toThrow('SwiGluBlock: option "hidden" must be a positive integer, received 0');
  expect(() => new SwiGluBlock({ hidden: 4, norm: 'group' as never })).toThrow(/option "norm" must be one of .* received "group"/);
});

it('CONTRIBUTING.md shows this exact code', async () => {
  const { readFile } = await import('node:fs/promises');
  const here = await readFile(new URL(import.meta.url), 'utf8');
  const guide = await readFile(new URL('../../../CONTRIBUTING.md', import.meta.url), 'utf8');
  const code = here.slice(here.indexOf('// --- example block: start ---\n') + 32, here.indexOf('// --- example block: end ---')).trimEnd();
  expect(code.length).toBeGreaterThan(500);
  expect(guide).toContain(code);
});

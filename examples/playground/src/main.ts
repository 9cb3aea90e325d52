// The playground page: start a backend, load the MNIST slice, train the chosen network while drawing its
// curve and digits, yielding to the browser between steps so the page stays responsive.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { NoBackendError, requestedBackend, startBackend } from './backend.js';
import { type ChartLayout, drawChart, type Point } from './chart.js';
import { loadSlice, type MnistSlice } from './data.js';
import { drawDigits } from './digits.js';
import { BUDGETS, buildNetwork, chooseNetwork, type Kind } from './models.js';
import { psnrOf, SETTINGS, TestSet, Trainer } from './trainer.js';
import './style.css';

/** What the page exposes for scripts (the end-to-end test reads it). */
export interface PlaygroundState {
  status: 'starting' | 'ready' | 'training' | 'stopped' | 'failed';
  backend?: string;
  detail?: string;
  /** Why this backend: asked for by name, or what `auto` passed over. */
  why?: string;
  /** Shown above the controls, e.g. an unknown ?backend= value and what was used instead. */
  notice?: string;
  network?: string;
  step: number;
  /** Training steps per second over the last few steps (0 before the first one ends). */
  stepsPerSecond: number;
  history: Point[];
  /** MSE of the noisy test digits against the clean ones, computed once from the data. */
  baselineMse?: number;
  /** What the chart last drew (axis ranges, baseline row). */
  chart?: ChartLayout;
  /** tf.memory().numTensors after each evaluation, by step (flat while training means no leak). */
  tensors: Record<number, number>;
  error?: string;
}

const EVAL_EVERY = 10;
const SHOWN = 8;
const RATE_WINDOW = 20; // steps/s over this many recent steps: the first ones (shader compiles) should not weigh forever
const state: PlaygroundState = { status: 'starting', step: 0, stepsPerSecond: 0, history: [], tensors: {} };
(window as unknown as { playground: PlaygroundState }).playground = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const kindSelect = $<HTMLSelectElement>('kind');
const budgetSelect = $<HTMLSelectElement>('budget');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const chart = $<HTMLCanvasElement>('chart');
const digits = $<HTMLCanvasElement>('digits');

let slice: MnistSlice | undefined;
let testSet: TestSet | undefined;
let trainer: Trainer | undefined;
let running = false;

function setStatus(text: string): void {
  $('status').textContent = text;
}

function showNetwork(): void {
  $('network').textContent = chooseNetwork(kindSelect.value as Kind, Number(budgetSelect.value)).summary;
}

function fail(error: unknown): void {
  running = false;
  state.status = 'failed';
  const message = error instanceof Error ? error.message : String(error);
  state.error = message;
  const box = $('error');
  box.hidden = false;
  if (error instanceof NoBackendError) {
    $('error-title').textContent = 'This browser cannot train here: neither WebGPU nor WebAssembly could start.';
    $('error-list').replaceChildren(...error.reasons.map((r) => Object.assign(document.createElement('li'), { textContent: `${r.name}: ${r.reason}` })));
    $('error-hint').textContent = 'Try a current Chrome, Edge or Firefox with WebAssembly enabled, or a browser with WebGPU. Nothing was sent anywhere: the page trains locally.';
  } else {
    $('error-title').textContent = 'The playground stopped with an error.';
    $('error-list').replaceChildren(Object.assign(document.createElement('li'), { textContent: message }));
  }
  trainButton.disabled = stopButton.disabled = kindSelect.disabled = budgetSelect.disabled = true;
  setStatus('failed');
}

const rate = (r: number) => (r < 1 ? r.toFixed(2) : r < 10 ? r.toFixed(1) : r.toFixed(0));

async function showSamples(t: Trainer): Promise<void> {
  const { noisy, denoised, clean } = await t.samples(SHOWN);
  drawDigits(digits, [noisy, denoised, clean], SHOWN, slice!.rows);
}

async function train(): Promise<void> {
  trainer?.dispose();
  const choice = chooseNetwork(kindSelect.value as Kind, Number(budgetSelect.value));
  Object.assign(state, { status: 'training', network: choice.summary, step: 0, stepsPerSecond: 0, history: [], tensors: {} });
  trainButton.disabled = kindSelect.disabled = budgetSelect.disabled = true;
  stopButton.disabled = false;
  running = true;
  // Said at once: on WebGPU the first evaluation and steps compile shaders and can take many seconds.
  setStatus(`step 0 · building the network and scoring it untrained${state.backend === 'webgpu' ? ' (WebGPU compiles its shaders first)' : ''}…`);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const t = new Trainer(buildNetwork(choice, 0), slice!, testSet!);
  trainer = t;
  const started = performance.now();
  state.history.push({ step: 0, psnr: await t.psnr(), ms: 0 });
  await showSamples(t);
  state.chart = drawChart(chart, state.history, state.baselineMse);
  setStatus(`step 0 · untrained test PSNR ${state.history[0]!.psnr!.toFixed(2)} dB · running the first step…`);
  const stepEnds = [performance.now()]; // when stepping began, then the end of each step
  while (running) {
    const loss = await t.step();
    state.step += 1;
    stepEnds.push(performance.now());
    if (stepEnds.length > RATE_WINDOW + 1) stepEnds.shift();
    state.stepsPerSecond = ((stepEnds.length - 1) * 1000) / (stepEnds[stepEnds.length - 1]! - stepEnds[0]!);
    const point: Point = { step: state.step, loss };
    if (state.step % EVAL_EVERY === 0) {
      point.psnr = await t.psnr();
      point.ms = Math.round(performance.now() - started);
      await showSamples(t);
      state.tensors[state.step] = tf.memory().numTensors;
    }
    state.history.push(point);
    state.chart = drawChart(chart, state.history, state.baselineMse);
    const last = [...state.history].reverse().find((p) => p.psnr !== undefined)!;
    setStatus(`step ${state.step} · ${rate(state.stepsPerSecond)} steps/s · loss ${loss.toFixed(4)} · test PSNR ${last.psnr!.toFixed(2)} dB · ${tf.memory().numTensors} tensors`);
    // Let the browser paint and handle clicks (Stop) before the next step.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  state.status = 'stopped';
  trainButton.disabled = kindSelect.disabled = budgetSelect.disabled = false;
  stopButton.disabled = true;
}

async function main(): Promise<void> {
  for (const b of BUDGETS) budgetSelect.append(new Option(`${(b / 1000).toLocaleString('en')}k parameters`, String(b), b === BUDGETS[1], b === BUDGETS[1]));
  kindSelect.addEventListener('change', showNetwork);
  budgetSelect.addEventListener('change', showNetwork);
  showNetwork();
  drawChart(chart, []);
  $('settings').textContent = `denoising, σ = ${SETTINGS.sigma}, MSE loss, Adam (lr ${SETTINGS.learningRate}), batch ${SETTINGS.batch}; PSNR over 200 test digits every ${EVAL_EVERY} steps`;
  setStatus('starting a backend…');
  const { request, notice } = requestedBackend(location.search);
  if (notice) {
    state.notice = notice;
    Object.assign($('notice'), { hidden: false, textContent: notice });
  }
  const backend = await startBackend(request, new URL('./wasm/', location.href).href);
  Object.assign(state, { backend: backend.name, detail: backend.detail, why: backend.why });
  $('backend').textContent = `${backend.name}${backend.detail ? ` (${backend.detail})` : ''}`;
  $('backend-why').textContent = backend.why;
  setStatus('loading digits…');
  slice = await loadSlice(new URL('./mnist-slice.bin', location.href).href);
  // The test digits and their noise are fixed for the page: the panel and the baseline need no network.
  testSet = new TestSet(slice);
  state.baselineMse = await testSet.baselineMse();
  $('baseline').textContent = `dashed: the noisy inputs themselves, MSE ${state.baselineMse.toFixed(4)} (${psnrOf(state.baselineMse).toFixed(2)} dB)`;
  const first = await testSet.first(SHOWN);
  drawDigits(digits, [first.noisy, null, first.clean], SHOWN, slice.rows);
  state.chart = drawChart(chart, [], state.baselineMse);
  trainButton.disabled = false;
  state.status = 'ready';
  setStatus(`ready: ${slice.trainCount} training and ${slice.testCount} test digits`);
  trainButton.addEventListener('click', () => void train().catch(fail));
  stopButton.addEventListener('click', () => {
    running = false;
  });
}

main().catch(fail);

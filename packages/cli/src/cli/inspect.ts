import { type DatasetInfo, type FileInfo, inspectDataset } from '@mlp-blocks/datasets';

const n = (v: number) => v.toLocaleString('en-US');
const shape = (s: readonly number[]) => (s.length === 3 ? s.join('×') : `[${s.join(', ')}]`);

/** Human lines for `data inspect` (the --json form prints the object itself). */
export function formatInspection(info: DatasetInfo | FileInfo): string {
  if (info.kind === 'dataset') {
    const files = Object.entries(info.sha256).map(([name, hash]) => `  ${name}  sha256 ${hash}`);
    return [
      `${info.title} (${info.name}): ${n(info.train)} training + ${n(info.test)} test images of ${shape(info.shape)}, ${info.classes} classes`,
      `splits: train ${n(info.splits.train)}, eval ${n(info.splits.eval)}, test ${n(info.splits.test)}`,
      `files: ${info.present ? 'present and verified' : 'not on disk'}${info.location ? ` in ${info.location}` : ' (no directory given: --data-dir or $MLP_BLOCKS_IMAGENET32)'}; source: ${info.source}`,
      ...files,
    ].join('\n');
  }
  const role = info.test !== null ? 'test' : 'training';
  const contents = Object.entries(info.contents ?? {}).map(([k, v]) => `  ${k}  ${shape(v.shape)}${'descr' in v && v.descr ? ` ${v.descr}` : ''}`);
  return [
    `${info.name}: ${info.format}, ${n(info.count)} ${role} examples of ${shape(info.shape)}, ${n(info.bytes)} bytes`,
    `sha256 ${info.sha256}`,
    ...contents,
  ].join('\n');
}

/** `mlp-blocks data inspect <name or file>`: what a named data set or a data file holds. Never downloads. */
export async function inspectCommand(target: string, opts: { json?: boolean; dataDir?: string }): Promise<void> {
  const info = await inspectDataset(target, opts.dataDir ? { dir: opts.dataDir } : {});
  process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${formatInspection(info)}\n`);
}

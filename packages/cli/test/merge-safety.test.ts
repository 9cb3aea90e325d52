// `merge` treats every shard file as untrusted: ids are plain names, a trial's files come only from
// <shard>/trials/<id> (symlinks resolved, plain files only), and a failed merge writes nothing at --out.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeSweeps } from '../src/index.js';
import { cli, errorLines, run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'mlp-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fake shard directory: a manifest planning `ids`, and one results line per record (with trials/<id>/samples.json). */
function shard(ids: string[], records: Array<{ id: string; dir?: string; files?: boolean }>): string {
  const dir = join(root, `shard-${n++}`);
  mkdirSync(dir, { recursive: true });
  const manifest = { gridHash: 'abc', grid: { task: 'denoise' }, maxParams: null, shard: { k: 0, n: 1 }, trials: ids.map((id, index) => ({ index, id, family: 'x', trainable: 1 })) };
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'results.jsonl'), records.map((r) => `${JSON.stringify({ id: r.id, family: 'x', dir: r.dir ?? `trials/${r.id}`, params: { trainable: 1 } })}\n`).join(''));
  for (const r of records) {
    if (r.files === false) continue;
    mkdirSync(join(dir, 'trials', r.id), { recursive: true });
    writeFileSync(join(dir, 'trials', r.id, 'samples.json'), `{"id":"${r.id}"}`);
  }
  return dir;
}

/** The error mergeSweeps throws, and a check that nothing was left at `out` or beside it. */
function failure(inputs: string[], out: string, allowPartial = false): string {
  const parent = join(out, '..');
  const before = existsSync(parent) ? readdirSync(parent).sort() : [];
  let message = '';
  try {
    mergeSweeps(inputs, out, { allowPartial });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).not.toBe('');
  expect(existsSync(parent) ? readdirSync(parent).sort() : []).toEqual(before); // no temp directory left behind
  return message;
}

describe('merge: shard files are untrusted', () => {
  it('refuses a record whose "dir" leaves the shard, copies nothing, and writes no --out', () => {
    const outside = join(root, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    const s = shard(['a-1'], [{ id: 'a-1', dir: '../elsewhere', files: false }]);
    const out = join(root, 'out-dir-escape', 'merged');
    expect(failure([s], out)).toBe(`merge: ${join(s, 'results.jsonl')} says trial a-1 is in "../elsewhere"; a sweep keeps it in trials/a-1`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(root, 'out-dir-escape', 'elsewhere'))).toBe(false);
  });

  it('refuses trials/<id> that is a symlink leading out of the shard', () => {
    const target = join(root, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'passwd'), 'root:x:0:0');
    const s = shard(['a-1'], [{ id: 'a-1', files: false }]);
    mkdirSync(join(s, 'trials'));
    symlinkSync(target, join(s, 'trials', 'a-1'));
    const out = join(root, 'out-symlink');
    expect(failure([s], out)).toBe(`merge: trial directory of a-1 ${join(s, 'trials', 'a-1')} leads outside its shard ${s} (to ${target}); refusing to read it`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a symlinked file inside a trial directory (plain files only)', () => {
    const s = shard(['a-1'], [{ id: 'a-1' }]);
    symlinkSync('/etc/hostname', join(s, 'trials', 'a-1', 'model.json'));
    const out = join(root, 'out-inner-link');
    expect(failure([s], out)).toBe(`merge: ${join(s, 'trials', 'a-1', 'model.json')} is not a regular file or directory (a symlink?); trial directories hold only plain files`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a manifest whose trial ids are not plain names', () => {
    for (const id of ['..', '.', '../x', 'a/b', '']) {
      const s = shard([id], []);
      expect(failure([s], join(root, 'out-ids'), true)).toBe(`merge: ${join(s, 'sweep.json')} plans a trial with id ${JSON.stringify(id)}, which is not a plain name (letters, digits, '.', '_', '-')`);
    }
  });

  it('refuses a damaged or foreign sweep.json, naming it and what is wrong', () => {
    const s = shard(['a-1'], []);
    writeFileSync(join(s, 'sweep.json'), '{"gridHash": 3, "trials": []}');
    expect(failure([s], join(root, 'out-bad-manifest'))).toBe(`merge: ${join(s, 'sweep.json')}: not a sweep manifest (no "gridHash" string)`);
    writeFileSync(join(s, 'sweep.json'), '{"gridHash": "abc", "tri');
    expect(failure([s], join(root, 'out-bad-manifest'))).toMatch(new RegExp(`^merge: ${join(s, 'sweep.json')}: not valid JSON \\(`));
  });

  it('with trials missing, fails without touching an earlier merge at --out; --allow-partial replaces it whole', () => {
    const s0 = shard(['a-1', 'b-2'], [{ id: 'a-1' }]);
    const s1 = shard(['a-1', 'b-2'], [{ id: 'b-2' }]);
    const out = join(root, 'out-partial');
    expect(mergeSweeps([s0, s1], out)).toEqual({ merged: 2, planned: 2, missing: [] });
    writeFileSync(join(out, 'report.md'), 'old report');
    const results = readFileSync(join(out, 'results.jsonl'));
    expect(failure([s0], out)).toBe('merge: 1 planned trials are missing (b-2); rerun their shards or pass --allow-partial');
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(results);
    expect(readdirSync(join(out, 'trials')).sort()).toEqual(['a-1', 'b-2']);
    expect(mergeSweeps([s0], out, { allowPartial: true })).toEqual({ merged: 1, planned: 2, missing: ['b-2'] });
    expect(readdirSync(out).sort()).toEqual(['results.jsonl', 'sweep.json', 'trials']);
    expect(readdirSync(join(out, 'trials'))).toEqual(['a-1']);
    expect(readFileSync(join(out, 'trials', 'a-1', 'samples.json'), 'utf8')).toBe('{"id":"a-1"}');
    expect(readdirSync(root).filter((f) => f.includes('merging'))).toEqual([]);
  });

  it('never writes into a non-empty --out that holds no earlier merge', () => {
    const s = shard(['a-1'], [{ id: 'a-1' }]);
    const out = join(root, 'out-home');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expect(failure([s], out)).toBe(`merge: --out ${out} is a non-empty directory that holds no earlier merge; choose a new directory`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });
});

describe.skipIf(!existsSync(cli))('mlp-blocks merge on a hostile shard', () => {
  it('exits 1 with one line naming the results file, and leaves no --out', () => {
    const s = shard(['a-1'], [{ id: 'a-1', dir: '../../escape', files: false }]);
    const out = join(root, 'cli-out');
    const r = run('merge', '--out', out, s);
    expect(r.status).toBe(1);
    expect(errorLines(r)).toEqual([`mlp-blocks: merge: ${join(s, 'results.jsonl')} says trial a-1 is in "../../escape"; a sweep keeps it in trials/a-1`]);
    expect(existsSync(out)).toBe(false);
  });
});

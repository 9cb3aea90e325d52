#!/usr/bin/env node
// Release flow dry run: in a temporary clone of the committed HEAD, with the pending changesets set aside, a
// sample changeset naming one package goes through `changeset version`. It must bump that package, and the
// packages that depend on it only when the new version leaves their declared range (changesets' rule: they
// get a patch bump with an "Updated dependencies" entry), write exactly those CHANGELOGs, consume the changeset
// and touch nothing else. Nothing is published and the checkout is never modified. Exits non-zero on failure.
//
//   node scripts/release-dry-run.mjs
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHANGESET_BIN = join(ROOT, 'node_modules', '@changesets', 'cli', 'bin.js');
/** The sample releases: a leaf package, and one with a dependent. */
const SCENARIOS = [
  { name: '@mlp-blocks/datasets', bump: 'minor' },
  { name: '@mlp-blocks/gmlp', bump: 'patch' },
];
const SUMMARY = 'Release dry run: a sample change.';

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Every workspace package of the clone: name → { dir, manifest }. */
function workspacePackages(clone) {
  const out = new Map();
  for (const d of readdirSync(join(clone, 'packages'))) {
    const file = join(clone, 'packages', d, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    out.set(manifest.name, { dir: `packages/${d}`, manifest });
  }
  return out;
}

/** The range a dependent declares, as changesets reads it (workspace:^ / ~ / * against the current version). */
function effectiveRange(range, currentVersion) {
  if (!range.startsWith('workspace:')) return range;
  const r = range.slice('workspace:'.length);
  if (r === '*') return currentVersion;
  if (r === '^' || r === '~') return `${r}${currentVersion}`;
  return r;
}

/**
 * The versions changesets' policy predicts: the named package bumped; then, until nothing changes, every package
 * whose dependency on a bumped package no longer admits the new version gets a patch bump.
 */
function expectedVersions(packages, name, bump) {
  const next = new Map([[name, semver.inc(packages.get(name).manifest.version, bump)]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const [dependent, { manifest }] of packages) {
      if (next.has(dependent)) continue;
      const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
      const outOfRange = Object.entries(deps).some(([dep, range]) => next.has(dep)
        && !semver.satisfies(next.get(dep), effectiveRange(range, packages.get(dep).manifest.version)));
      if (outOfRange) {
        next.set(dependent, semver.inc(manifest.version, 'patch'));
        changed = true;
      }
    }
  }
  return next;
}

/** Runs one scenario in the clone (reset first); returns the problems found and what was bumped. */
function scenario(clone, { name, bump }) {
  git(clone, 'reset', '-q', '--hard');
  git(clone, 'clean', '-q', '-fd');
  // The pending changesets describe the real next release; set them aside so only the sample counts.
  for (const f of readdirSync(join(clone, '.changeset'))) if (f.endsWith('.md') && f !== 'README.md') unlinkSync(join(clone, '.changeset', f));
  const packages = workspacePackages(clone);
  if (!packages.has(name)) return { problems: [`no workspace package ${name}`], next: new Map() };
  const expected = expectedVersions(packages, name, bump);
  const sample = join(clone, '.changeset', 'release-dry-run.md');
  writeFileSync(sample, `---\n"${name}": ${bump}\n---\n\n${SUMMARY}\n`);
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '--no-verify', '-m', 'release dry run: sample changeset');

  execFileSync(process.execPath, [CHANGESET_BIN, 'version'], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] });

  const problems = [];
  const after = workspacePackages(clone);
  const expectedFiles = new Set(['.changeset/release-dry-run.md']);
  for (const [pkg, { dir, manifest }] of packages) {
    const version = after.get(pkg).manifest.version;
    const want = expected.get(pkg) ?? manifest.version;
    if (version !== want) problems.push(`${pkg}: version ${manifest.version} → ${version}, expected ${want}`);
    const changelog = join(clone, dir, 'CHANGELOG.md');
    if (!expected.has(pkg)) {
      if (existsSync(changelog) && git(clone, 'status', '--porcelain', '--', `${dir}/CHANGELOG.md`)) problems.push(`${pkg}: CHANGELOG written although not bumped`);
      continue;
    }
    expectedFiles.add(`${dir}/package.json`).add(`${dir}/CHANGELOG.md`);
    if (!existsSync(changelog)) {
      problems.push(`${pkg}: no CHANGELOG.md written`);
      continue;
    }
    const text = readFileSync(changelog, 'utf8');
    const kind = pkg === name ? `${bump[0].toUpperCase()}${bump.slice(1)} Changes` : 'Patch Changes';
    const entry = pkg === name ? SUMMARY : `${name}@${expected.get(name)}`;
    for (const needle of [`# ${pkg}`, `## ${want}`, `### ${kind}`, entry]) {
      if (!text.includes(needle)) problems.push(`${pkg}: CHANGELOG.md lacks "${needle}"`);
    }
  }
  if (existsSync(sample)) problems.push('the sample changeset was not consumed');
  const touched = git(clone, 'status', '--porcelain').split('\n').filter(Boolean).map((l) => l.slice(3));
  for (const f of touched) if (!expectedFiles.has(f)) problems.push(`unexpected change to ${f}`);
  return { problems, next: expected, before: packages };
}

const clone = mkdtempSync(join(tmpdir(), 'mlp-blocks-release-'));
let failed = 0;
try {
  git(ROOT, 'clone', '-q', '--no-checkout', ROOT, clone);
  git(clone, 'fetch', '-q', ROOT, 'HEAD');
  git(clone, 'checkout', '-q', '--detach', 'FETCH_HEAD');
  git(clone, 'config', 'user.email', 'release-dry-run@localhost');
  git(clone, 'config', 'user.name', 'release dry run');
  // The clone borrows the workspace's installed tools (changesets and its changelog generator), read-only; the
  // link is excluded from git so resets and cleans leave it alone and it never shows as a change.
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  appendFileSync(join(clone, '.git', 'info', 'exclude'), '\n/node_modules\n');
  const head = git(clone, 'rev-parse', '--short', 'HEAD').trim();
  for (const s of SCENARIOS) {
    const { problems, next, before } = scenario(clone, s);
    const bumped = [...next].map(([pkg, v]) => `${pkg} ${before?.get(pkg)?.manifest.version} → ${v}`).join(', ');
    if (problems.length === 0) {
      console.log(`release dry run (${head}): "${s.name}": ${s.bump} bumped ${bumped}; CHANGELOGs written for exactly those`);
    } else {
      failed++;
      console.error(`release dry run (${head}): "${s.name}": ${s.bump} FAILED\n  ${problems.join('\n  ')}`);
    }
  }
} catch (err) {
  failed++;
  console.error(`release dry run: FAILED\n${err.stderr ?? ''}${err.message}`);
} finally {
  rmSync(clone, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

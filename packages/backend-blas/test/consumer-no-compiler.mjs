// The backend-blas-no-compiler consumer case (run by scripts/consumer/run.mjs): the packed package installed the
// way a user without build tools gets it. PATH holds only `node` and `npm`, CC/CXX are `false`, and (as root,
// in a private mount namespace) the compilers and make are replaced by a stub that fails and OpenBLAS's library
// and header folders by empty ones — so neither a compile nor the system's libopenblas can be what makes it work.
// The install must take the prebuilt addon (it says so, and leaves no build/ folder), ldd must show it needs
// nothing but glibc, the package's own consumer example (test/consumer.mjs) must train on `blas` with it, and a
// forced source build in the same sandbox must fail (so the sandbox really has no compiler).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const HIDDEN_DIRS = [
  '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  '/usr/lib/x86_64-linux-gnu/openblas-openmp',
  '/usr/include/x86_64-linux-gnu/openblas-pthread',
  '/usr/include/x86_64-linux-gnu/openblas-openmp',
];
const HIDDEN_TOOLS = ['cc', 'c++', 'gcc', 'g++', 'make', 'x86_64-linux-gnu-gcc-12', 'x86_64-linux-gnu-g++-12'].map((t) => `/usr/bin/${t}`);

/** Where `tool` is on this process's PATH (the sandbox's PATH has only node and npm). */
const where = (tool) => spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();

/** `argv` run inside a mount namespace with OpenBLAS and the compilers hidden, or null when that needs root. */
function hidden(argv, stub) {
  const unshare = where('unshare');
  const mount = where('mount');
  if (!unshare || !mount || spawnSync(unshare, ['-m', 'true']).status !== 0) return null;
  const mounts = [
    ...HIDDEN_DIRS.filter(existsSync).map((d) => `${mount} -t tmpfs none ${d}`),
    ...HIDDEN_TOOLS.filter(existsSync).map((t) => `${mount} --bind ${stub} ${t}`),
  ];
  return [unshare, ['-m', '/bin/sh', '-ec', `${mounts.join('\n')}\nexec "$@"`, 'sh', ...argv]];
}

/** Runs the case; resolves with { install, example, out, needed } as the other cases do. */
export async function runNoCompilerCase({ tarballs, closure, run, checkInstall, peers, keep, root, timeout, env }) {
  const example = join(HERE, 'consumer.mjs');
  const wants = ['@mlp-blocks/backend-blas', '@mlp-blocks/backends', '@mlp-blocks/core', '@mlp-blocks/hourglass'];
  const needed = await closure(wants);
  const dir = await mkdtemp(join(tmpdir(), 'mlp-blocks-consumer-blas-no-compiler-'));
  const bin = join(dir, '.node-only-bin');
  await mkdir(bin);
  await symlink(process.execPath, join(bin, 'node'));
  await symlink(await realpath(where('npm')), join(bin, 'npm'));
  // What the compilers and make become inside the namespace.
  const stub = join(dir, '.no-compiler');
  await writeFile(stub, '#!/bin/sh\necho "no compiler on this machine (consumer test)" >&2\nexit 127\n', { mode: 0o755 });
  // npm runs install scripts through a shell it looks up on PATH unless told where it is.
  const sandboxEnv = { ...env, PATH: bin, CC: 'false', CXX: 'false', MLP_BLOCKS_BLAS: 'required', npm_config_script_shell: '/bin/sh' };
  const dependencies = { ...peers };
  for (const name of needed) dependencies[name] = `file:${tarballs[name]}`;
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  await copyFile(example, join(dir, 'consumer.mjs'));
  await copyFile(join(root, 'scripts', 'consumer', 'check.mjs'), join(dir, 'check.mjs'));
  const inSandbox = (argv) => hidden(argv, stub) ?? [argv[0], argv.slice(1)];
  const sandboxed = hidden(['true'], stub) !== null;
  const t0 = performance.now();
  try {
    const [cmd, args] = inSandbox([join(bin, 'npm'), 'install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', '--loglevel=error']);
    const installLog = await run(cmd, args, { cwd: dir, timeout, env: sandboxEnv });
    if (!/using the prebuilt addon for linux-x64/.test(installLog)) throw new Error(`the install did not take the prebuilt addon:\n${installLog}`);
    const pkg = join(dir, 'node_modules', '@mlp-blocks', 'backend-blas');
    if (existsSync(join(pkg, 'build'))) throw new Error(`the install compiled (${pkg}/build exists)`);
    await checkInstall(dir, needed, tarballs);
    const [lddCmd, lddArgs] = inSandbox([where('ldd'), join(pkg, 'prebuilds', 'linux-x64', 'blas.node')]);
    const ldd = await run(lddCmd, lddArgs, { cwd: dir, timeout: 30_000, env: { ...sandboxEnv, PATH: '/usr/bin:/bin' } });
    if (/openblas|gfortran|not found/.test(ldd)) throw new Error(`the prebuilt addon needs more than glibc:\n${ldd}`);
    const t1 = performance.now();
    const [runCmd, runArgs] = inSandbox([join(bin, 'node'), 'consumer.mjs']);
    const out = await run(runCmd, runArgs, { cwd: dir, timeout, env: sandboxEnv });
    if (!/, prebuilt\)/.test(out)) throw new Error(`the example did not run on the prebuilt addon:\n${out}`);
    const t2 = performance.now();
    const [srcCmd, srcArgs] = inSandbox([join(bin, 'node'), join(pkg, 'scripts', 'build-addon.mjs'), '--from-source']);
    const compiled = await run(srcCmd, srcArgs, { cwd: pkg, timeout, env: sandboxEnv }).then(() => true, () => false);
    if (compiled && sandboxed) throw new Error('a source build succeeded inside the sandbox: the sandbox has a compiler');
    if (!keep) await rm(dir, { recursive: true, force: true });
    const how = sandboxed
      ? `PATH=node+npm only, CC=CXX=false, cc/gcc/g++/make -> exit 127, OpenBLAS libs+headers hidden, a forced source build fails there; ldd: ${ldd.split('\n').map((l) => l.trim().split(' ')[0]).filter((l) => l && !l.startsWith('linux-vdso')).join(' ')}`
      : 'PATH=node+npm only, CC=CXX=false (not root: OpenBLAS not hidden, ldd checked)';
    return { install: (t1 - t0) / 1000, example: (t2 - t1) / 1000, out: `${how}\n${out.trim()}`, needed };
  } catch (err) {
    err.message += `\n(scratch project kept at ${dir})`;
    throw err;
  }
}

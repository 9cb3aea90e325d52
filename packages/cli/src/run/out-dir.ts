import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Makes sure `dir` can be created and takes files, before any compute: creates it if missing, writes and
 * removes a probe file, then removes again whatever folders it created (so a run that fails on its arguments
 * later leaves nothing behind). A failure names the option, the path and the OS reason, instead of surfacing
 * as a bare EACCES at the first checkpoint an epoch later.
 */
export function ensureWritableDir(flag: string, dir: string): void {
  const probe = path.join(dir, `.mlp-blocks-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  let created: string | undefined;
  try {
    created = fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
  } catch (e) {
    if (created) fs.rmSync(created, { recursive: true, force: true });
    throw new Error(`${flag}: cannot write to ${dir} (${(e as Error).message})`);
  }
  fs.rmSync(probe, { force: true });
  if (created) fs.rmSync(created, { recursive: true, force: true });
}

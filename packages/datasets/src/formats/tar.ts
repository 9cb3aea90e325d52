// Members of a (gzipped) tar archive such as cifar-10-binary.tar.gz, read with node-tar in strict mode (header
// checksums verified; zlib checks the gzip CRC) without extracting anything to disk.
import { basename } from 'node:path';
import { list } from 'tar';
import { DataFormatError } from '../errors.js';
import { MAX_INFLATED_BYTES } from './gzip.js';

/**
 * Reads the members of the archive at `path` whose base names are in `wanted`, returning their bytes by base
 * name. Every wanted member must be present. `file` names the archive in errors.
 */
export async function readTarMembers(path: string, wanted: readonly string[], file = path): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const started = new Set<string>();
  let problem: DataFormatError | null = null;
  try {
    await list({
      file: path,
      strict: true,
      onReadEntry: (entry) => {
        const name = basename(entry.path);
        if (entry.type !== 'File' || !wanted.includes(name) || found.has(name)) {
          entry.resume();
          return;
        }
        const size = entry.size ?? 0;
        if (size > MAX_INFLATED_BYTES) {
          problem ??= new DataFormatError(file, 'corrupt', `member ${entry.path} claims ${size} bytes`);
          entry.resume();
          return;
        }
        started.add(name);
        const buf = Buffer.allocUnsafe(size);
        let at = 0;
        entry.on('data', (chunk: Buffer) => {
          if (at + chunk.length <= size) chunk.copy(buf, at);
          at += chunk.length;
        });
        entry.on('end', () => {
          if (at === size) found.set(name, buf);
          else problem ??= new DataFormatError(file, 'truncated', `member ${entry.path} has ${at} of ${size} bytes`);
        });
      },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw err;
    const truncated = e.code === 'Z_BUF_ERROR' || /unexpected end|truncated/i.test(e.message);
    throw new DataFormatError(file, truncated ? 'truncated' : 'corrupt', e.message);
  }
  if (problem) throw problem;
  const cut = wanted.find((w) => started.has(w) && !found.has(w));
  if (cut) throw new DataFormatError(file, 'truncated', `the archive ends inside member ${cut}`);
  const missing = wanted.filter((w) => !found.has(w));
  if (missing.length) {
    throw new DataFormatError(file, 'missing-entry', `no member named ${missing.join(', ')}`);
  }
  return found;
}

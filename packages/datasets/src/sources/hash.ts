import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const verified = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** SHA-256 (hex) of a file, streamed; remembered per process while the file's size and mtime are unchanged. */
export async function sha256File(path: string): Promise<string> {
  const s = await stat(path);
  const known = verified.get(path);
  if (known && known.size === s.size && known.mtimeMs === s.mtimeMs) return known.sha256;
  // Concurrent loads of one file (train, eval and test splits at once) share one pass over it.
  const key = `${path}\0${s.size}\0${s.mtimeMs}`;
  let pending = hashing.get(key);
  if (!pending) {
    pending = hashStream(path).finally(() => hashing.delete(key));
    hashing.set(key, pending);
  }
  const sha256 = await pending;
  verified.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  return sha256;
}

const hashing = new Map<string, Promise<string>>();

async function hashStream(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 (hex) of bytes in memory. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const verified = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** SHA-256 (hex) of a file, streamed; remembered per process while the file's size and mtime are unchanged. */
export async function sha256File(path: string): Promise<string> {
  const s = await stat(path);
  const known = verified.get(path);
  if (known && known.size === s.size && known.mtimeMs === s.mtimeMs) return known.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  verified.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  return sha256;
}

/** SHA-256 (hex) of bytes in memory. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

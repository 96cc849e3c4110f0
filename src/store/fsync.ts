// Durability helpers: a rename is durable only once the folder holding the new name is fsynced, and a file's bytes
// only once the file is (docs/architecture.md#the-data-home).
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** fsync a file's contents. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a folder, so the renames and creations inside it survive a power loss. Not possible on Windows: skipped. */
export function fsyncDir(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    closeSync(fd);
  }
}

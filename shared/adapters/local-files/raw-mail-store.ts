import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { RawMailStore } from '../../ports/raw-mail-store';

/** Raw mail as `.eml` files under the local data directory (`.watchdog/mail/…`), readable with any mail client. */
export function fileRawMailStore(directory: string): RawMailStore {
  const root = resolve(directory);
  const pathOf = (key: string) => {
    const path = resolve(root, `${key.replace(/[^\w./-]/g, '_')}.eml`);
    if (relative(root, path).startsWith('..')) throw new Error(`Raw mail key ${key} leaves ${root}`);
    return path;
  };
  return {
    async put(key, raw) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, raw, { mode: 0o600 });
      return path;
    },
    async get(ref) {
      return readFile(ref.startsWith(root) ? ref : pathOf(ref));
    },
  };
}

export const localMailDirectory = (dataDir: string) => join(dataDir, 'mail');

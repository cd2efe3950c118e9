import type { RawMailStore } from '../../ports/raw-mail-store';

/** Keeps raw mail in memory (`--in-memory`, tests). */
export function memoryRawMailStore(): RawMailStore & { size(): number } {
  const mails = new Map<string, Buffer>();
  return {
    async put(key, raw) {
      mails.set(key, raw);
      return `memory:${key}`;
    },
    async get(ref) {
      const raw = mails.get(ref.replace(/^memory:/, ''));
      if (!raw) throw new Error(`No raw mail ${ref}`);
      return raw;
    },
    size: () => mails.size,
  };
}

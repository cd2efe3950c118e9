/**
 * Where the full raw message of every received mail is kept, before anything else happens to it: the S3 bucket
 * SES writes into (AWS), the data directory (local). What the table holds is cut to size; this keeps all of it.
 */
export interface RawMailStore {
  /** Keeps a raw message under `key` and returns the reference to record (on AWS, SES has already written it). */
  put(key: string, raw: Buffer): Promise<string>;
  get(ref: string): Promise<Buffer>;
}

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

/**
 * Where the full raw message of every received mail is kept, before anything else happens to it: the S3 bucket
 * SES writes into (AWS), the data directory (local). What the table holds is cut to size; this keeps all of it.
 */
export interface RawMailStore {
  /** Keeps a raw message under `key` and returns the reference to record (on AWS, SES has already written it). */
  put(key: string, raw: Buffer): Promise<string>;
  get(ref: string): Promise<Buffer>;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The messages of an exported inbox: a folder of single messages (.eml, or any file in it) or one mbox file
 * (Gmail Takeout, Thunderbird, `mbox` of most mail tools). An mbox is split at its `From ` separator lines — only
 * where a blank line precedes them (or at the very start), as mboxo/mboxrd writers put them — and the `>From `
 * quoting of mboxrd is undone. Hand-written because the splitting is a dozen lines and the npm mbox readers are
 * unmaintained stream wrappers.
 */

export interface MailFile {
  /** File name, with `#n` for the n-th message of an mbox. */
  name: string;
  raw: Buffer;
}

/** `From sender date`; never `From:` nor `From  :` (a header with obsolete white space before its colon). */
const FROM_LINE = /^From [^\s:][^\r\n]*\r?\n/;

function unquote(message: Buffer): Buffer {
  const text = message.toString('latin1');
  return /^>+From /m.test(text) ? Buffer.from(text.replace(/^>(>*From )/gm, '$1'), 'latin1') : message;
}

/** The messages of an mbox's bytes; a single message with a leading `From ` envelope line is an mbox of one. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  if (!FROM_LINE.test(text)) return [bytes];
  const starts: number[] = [];
  const separator = /(^|\r?\n\r?\n)From [^\s:][^\r\n]*\r?\n/g;
  for (let match = separator.exec(text); match; match = separator.exec(text)) starts.push(match.index + match[1]!.length);
  return starts
    .map((start, i) => {
      const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
      const chunk = text.slice(start, end).replace(FROM_LINE, '');
      return unquote(Buffer.from(chunk, 'latin1'));
    })
    .filter((message) => message.length > 0);
}

/** Every message under `path`: the files of a folder (sorted by name, hidden ones skipped), or the messages of one file. */
export async function readMailFiles(path: string): Promise<MailFile[]> {
  const info = await stat(path);
  const files = info.isDirectory()
    ? (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(path, e.name)).sort()
    : [path];
  const mails: MailFile[] = [];
  for (const file of files) {
    const messages = splitMbox(await readFile(file));
    messages.forEach((raw, i) => mails.push({ name: messages.length > 1 ? `${basename(file)}#${i + 1}` : basename(file), raw }));
  }
  return mails;
}

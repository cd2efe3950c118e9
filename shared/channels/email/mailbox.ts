import { addressParser, decodeWords } from 'postal-mime';
import { fixC1 } from './text';

/**
 * One sender out of a raw address header (From, Reply-To, Sender), as forgiving as real mail needs:
 * - RFC 5322 comments anywhere (`Pete(A wonderful \) chap) <pete(his account)@silly.test(his host)>`), nested and
 *   with quoted pairs, and the obsolete white space around dots (`jdoe@machine(comment).  example`);
 * - a host without a dot (`guest@localhost`): odd, but a person wrote it and the mail must not be lost;
 * - an unquoted display name with a comma (`Müller, Hans <hans@example.de>`, as some clients write non-ASCII
 *   names), which address parsers split into an empty mailbox and a real one: the names are joined back.
 * postal-mime's address parser does the tokenising and decodes encoded words; this only cleans around it.
 */

export interface MailAddress {
  address: string;
  name?: string;
}

const ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+$/;
const MAX_ADDRESS = 254;

/** The header without its comments; quoted strings are kept as written. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === '(') {
      depth++;
      continue;
    }
    if (!quoted && c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

/** `a . b @ host . example` (obsolete syntax, or what stripping comments leaves) → `a.b@host.example`. */
const squeeze = (address: string) => address.replace(/\s*([.@])\s*/g, '$1').trim();

/** A usable address, lower-cased, or undefined. */
export function cleanAddress(written: string | undefined): string | undefined {
  if (!written) return undefined;
  // A broken display name can swallow the address ("Broken <a@b>" with an open quote): take what is in <…>.
  const bare = squeeze(/<([^<>]+)>\s*$/.exec(written)?.[1] ?? written).toLowerCase();
  return ADDRESS.test(bare) && bare.length <= MAX_ADDRESS && !bare.startsWith('.') && !bare.endsWith('.') ? bare : undefined;
}

interface Parsed {
  address?: string;
  name?: string;
  group?: Parsed[];
}

const flatten = (list: Parsed[]): Parsed[] => list.flatMap((a) => (a.group ? flatten(a.group) : [a]));
const cleanName = (name: string | undefined) => fixC1(decodeWords(name ?? '')).replace(/\s+/g, ' ').trim();

/** Every mailbox of a raw address header, in order; entries without a usable address are dropped. */
export function mailboxesOf(value: string | undefined): MailAddress[] {
  if (!value?.trim()) return [];
  const entries = flatten(addressParser(stripComments(value)) as Parsed[]);
  const mailboxes: MailAddress[] = [];
  let pendingName: string[] = [];
  for (const entry of entries) {
    const address = cleanAddress(entry.address);
    if (!address) {
      // "Müller, Hans <h@x>": the part before the comma is the start of the next mailbox's name.
      const name = cleanName(entry.name ?? entry.address);
      if (name) pendingName.push(name);
      continue;
    }
    const name = [...pendingName, cleanName(entry.name)].filter(Boolean).join(', ');
    pendingName = [];
    mailboxes.push({ address, ...(name && name.toLowerCase() !== address ? { name } : {}) });
  }
  return mailboxes;
}

/** The first mailbox of a raw address header. */
export const mailboxOf = (value: string | undefined): MailAddress | undefined => mailboxesOf(value)[0];

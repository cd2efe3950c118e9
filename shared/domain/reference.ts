import { randomInt } from 'node:crypto';

/** Crockford's base32 without I, L, O, U: nothing a customer can misread when quoting it on the phone. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short human reference such as `ACM-7K3Q9P`: three letters of the inbox id and six random characters. */
export function newReference(inboxId: string): string {
  const prefix = (inboxId.replace(/[^a-z0-9]/gi, '').slice(0, 3) || 'INQ').toUpperCase();
  let random = '';
  for (let i = 0; i < 6; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}-${random}`;
}

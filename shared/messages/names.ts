// postal-mime's decoder (already the email channel's parser) uses the runtime's TextDecoder for charsets; libmime
// would bring iconv-lite's tables, half a megabyte in every function bundle.
import { decodeWords } from 'postal-mime';

/**
 * What to call a customer. `greetAs` is what follows "Hi": usually the first name, "Dr Okafor" when they gave a
 * title, the whole name in scripts that put the family name first. Both are undefined when there is nothing we
 * would be comfortable greeting someone with: never an address, a role mailbox or form garbage.
 */
export interface PersonName {
  full?: string;
  greetAs?: string;
}

/** Longest name we believe; anything longer is a sentence typed into the wrong field (or spam). */
const MAX_NAME = 70;
const MAX_WORDS = 6;
const MAX_WORD = 30;

/** Values people type into a name field when they do not want to give one, and shared mailboxes' names. */
const NOT_NAMES = new Set(
  [
    'a', 'admin', 'administrator', 'accounts', 'anonymous', 'anon', 'asdf', 'billing', 'client', 'contact', 'customer',
    'customer service', 'enquiries', 'enquiry', 'first last', 'firstname lastname', 'guest', 'hello', 'hi', 'info',
    'inquiries', 'mailer-daemon', 'me', 'n/a', 'na', 'name', 'no name', 'no-reply', 'none', 'noreply', 'no reply', 'null',
    'office', 'postmaster', 'qwerty', 'reception', 'sales', 'someone', 'support', 'team', 'test', 'test test', 'undefined',
    'unknown', 'user', 'webmaster', 'x', 'xx', 'xxx', 'your name',
  ],
);
/** Honorifics: "Dr Ada Okafor" is greeted "Dr Okafor", as she asked to be addressed. */
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'rev', 'herr', 'frau', 'mme', 'mlle', 'sr', 'sra', 'srta']);
/** Generational and academic suffixes: after a comma they are not a given name ("Smith, Jr."). */
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'mba', 'dds', 'cpa', 'obe', 'mbe']);
/** Name particles that stay lower-case inside a name once we re-case it ("VAN DER BERG" → "van der Berg"). */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'da', 'das', 'dos', 'di', 'du', 'la', 'le', 'bin', 'binti', 'ibn', 'y', 'e']);
/** Scripts that write the family name first and no spaces between names: greet with the whole name. */
const FAMILY_FIRST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** What a name may contain once comments and emoji are gone: letters, marks, spaces, apostrophes, hyphens, dots. */
const NAME_CHARS = /^[\p{L}\p{M}\s'’.\-‐\u200C]+$/u;
const EMOJI = /[\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}]/gu;
/** Line breaks and control characters split words; invisible format characters (bidi marks, ZWJ) just go. */
const BREAKS = /[\p{Cc}\u2028\u2029]+/gu;
/** Persian and Indic names use the zero-width non-joiner (U+200C) legitimately, so it stays. */
const INVISIBLE = /(?!\u200C)\p{Cf}/gu;

const bare = (word: string) => word.toLowerCase().replace(/[.’']/g, '');

/** The customer's name as we would write it: from the display name, else from an address like jane.doe@…. */
export function personName(displayName: string | undefined, email?: string): PersonName {
  return fromDisplayName(displayName) ?? fromLocalPart(email) ?? {};
}

/** The name to greet someone by, if there is one we would be comfortable with (alerts, holding updates). */
export function firstNameOf(displayName: string | undefined, email?: string): string | undefined {
  return personName(displayName, email).greetAs;
}

/** "Hi Jane" / "Hello": how a message opens, never with an address or garbage in it. */
export function greetingFor(name: PersonName): string {
  return name.greetAs ? `Hi ${name.greetAs}` : 'Hello';
}

function fromDisplayName(raw: string | undefined): PersonName | undefined {
  if (!raw) return undefined;
  let text = decodeEncodedWords(raw).normalize('NFC').replace(BREAKS, ' ').replace(INVISIBLE, '').replace(EMOJI, '');
  text = text.replace(/<[^<>]*@[^<>]*>/g, ' '); // "Jane Doe <jane@example.com>"
  text = text.replace(/\([^()]*\)|\[[^[\]]*\]/g, ' '); // comments: "(Acme Ltd)", "[Sales]", "(she/her)"
  text = text.replace(/\s+via\s+.+$/i, ''); // "Jane Doe via Google Forms"
  text = text.split(/\s+[|/–—]\s+|\s+-\s+/)[0]!; // "Jane Doe | Acme Ltd", "Jane Doe - Acme"
  text = text.replace(/\s+/g, ' ').trim().replace(/^["'`“”‘’„«»]+|["'`“”‘’„«»]+$/g, '').trim();

  let nickname: string | undefined;
  text = text.replace(/\s["“'‘]([^"”'’]+)["”'’]\s/u, (_, nick: string) => {
    nickname = nick.trim();
    return ' ';
  });
  // An address-like single word ("jane.doe") is read the way we read a local part.
  if (!/\s/.test(text) && /^\p{L}+[._]\p{L}+/u.test(text)) return fromLocalPart(`${text}@x`);

  const comma = text.split(',').map((part) => part.trim());
  if (comma.length === 2 && comma[0] && comma[1]) {
    const [left, right] = comma as [string, string];
    // "Smith, Jr." keeps its order; "Doe, Jane" is a surname first, the way directories and CRMs export it.
    text = right.split(' ').every((w) => SUFFIXES.has(bare(w))) ? `${left} ${right}` : `${right} ${left}`;
  } else if (comma.length > 1) {
    // "Dr. Jane Doe, PhD, MBE": everything after the first comma must be a suffix, else it is not one name.
    if (!comma.slice(1).every((part) => part.split(' ').every((w) => SUFFIXES.has(bare(w))))) return undefined;
    text = comma.join(' ');
  }

  if (!plausible(text)) return undefined;
  const words = recase(text.split(' '));
  const full = words.join(' ');
  if (FAMILY_FIRST.test(full)) return { full, greetAs: full };

  const titled = TITLES.has(bare(words[0]!)) ? words[0] : undefined;
  const rest = titled ? words.slice(1) : words;
  const core = rest.filter((w) => !SUFFIXES.has(bare(w)));
  if (core.length === 0) return undefined; // only a title
  if (nickname && plausible(nickname)) return { full, greetAs: recase(nickname.split(' ')).join(' ') };
  if (titled) return { full, greetAs: `${titled} ${core[core.length - 1]}` };
  const first = core[0]!;
  // An initial is not something to greet by: "J. Smith" is greeted in full.
  if (bare(first).length <= 1) return core.length > 1 ? { full, greetAs: full } : undefined;
  return { full, greetAs: first };
}

/** "jane.doe+shop@…" → Jane Doe. Only two or three name-like parts: "jsmith", "info" or "a1b2" could be anyone. */
function fromLocalPart(email: string | undefined): PersonName | undefined {
  const local = email?.split('@')[0]?.split('+')[0]?.replace(/\d+$/, '');
  if (!local) return undefined;
  const parts = local.split(/[._-]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 3) return undefined;
  if (!parts.every((p) => /^\p{L}+$/u.test(p))) return undefined;
  const [first, ...others] = parts as [string, ...string[]];
  const last = others[others.length - 1]!;
  // An initial first (j.doe) or last (jane.d) is too little to greet by; a middle one (jane.m.doe) is fine.
  if (first.length < 2 || last.length < 2) return undefined;
  if (parts.some((p) => NOT_NAMES.has(p.toLowerCase()))) return undefined;
  const words = recase(parts.map((p, i) => (p.length === 1 && i > 0 ? `${p}.` : p)));
  return { full: words.join(' '), greetAs: words[0] };
}

function plausible(text: string): boolean {
  if (!text || text.length > MAX_NAME || !NAME_CHARS.test(text) || !/\p{L}/u.test(text)) return false;
  if (NOT_NAMES.has(text.toLowerCase())) return false;
  const words = text.split(' ');
  // A sentence typed into the name field, or keyboard mashing ("xxxxx"), is not a name.
  return words.length <= MAX_WORDS && words.every((word) => word.length <= MAX_WORD && !/^(.)\1{2,}$/u.test(word.toLowerCase()));
}

/**
 * "JANE DOE", "jane doe" → "Jane Doe": only when the whole name is in one case (someone typed with caps lock or
 * without shift); a name in mixed case ("DeShawn", "McAllister", "de Vries") is how its owner writes it.
 */
function recase(words: string[]): string[] {
  const letters = words.join('');
  const oneCase = letters === letters.toUpperCase() || letters === letters.toLowerCase();
  // Scripts without case (Arabic, Hebrew, Thai, Devanagari, CJK) pass through untouched.
  if (!oneCase || !/\p{Lu}|\p{Ll}/u.test(letters)) return words;
  return words.map((word, index) => {
    const lower = word.toLocaleLowerCase().replace(/σ(?=$|[^\p{L}])/gu, 'ς');
    if (index > 0 && index < words.length - 1 && PARTICLES.has(lower)) return lower;
    // Capitalise after a start, hyphen or apostrophe: Anne-Marie, O'Brien; Mc and Mac-less McDonald.
    return lower
      .replace(/(^|[-‐'’])(\p{Ll})/gu, (_, sep: string, ch: string) => sep + ch.toLocaleUpperCase())
      .replace(/^Mc(\p{Ll})/u, (_, ch: string) => `Mc${ch.toLocaleUpperCase()}`);
  });
}

function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  try {
    return decodeWords(text);
  } catch {
    return text;
  }
}

/** A short line for a subject when the sender gave none: the start of the message, cut at a word. */
export function summarize(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).trim()}…`;
}

/** The name to greet someone by: the first word of their display name, if it is a plausible name at all. */
export function firstNameOf(name: string | undefined): string | undefined {
  const first = name?.trim().split(/\s+/)[0];
  if (!first || first.includes('@') || !/\p{L}/u.test(first)) return undefined;
  return first;
}

/** A short line for a subject when the sender gave none: the start of the message, cut at a word. */
export function summarize(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).trim()}…`;
}

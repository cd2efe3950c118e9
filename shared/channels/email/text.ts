/**
 * Node's TextDecoder decodes `windows-1252` as Latin-1 on some Node versions (seen on Node 20), leaving C1 control characters where
 * the sender wrote – “ ” € …; WHATWG also reads `iso-8859-1` as windows-1252. C1 controls never belong in mail
 * text, so they are mapped back to the windows-1252 characters they stand for.
 */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export function fixC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

/**
 * Nothing a customer typed may become a header of its own: CR, LF, NUL and the Unicode line separators that
 * some mail software treats as line breaks are replaced by spaces before a value reaches any header.
 */
const LINE_BREAKS = /[\r\n\0\u2028\u2029\u0085\v\f]+/g;

export function headerSafe(value: string): string {
  return value.replace(LINE_BREAKS, ' ').trim();
}

export function assertHeaderSafe(name: string, value: string): void {
  if (/[\r\n\0\u2028\u2029\u0085]/.test(name) || /[\r\n\0\u2028\u2029\u0085]/.test(value)) {
    throw new Error(`Header ${JSON.stringify(name)} would contain a line break`);
  }
}

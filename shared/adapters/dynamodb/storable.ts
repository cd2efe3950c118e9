/** DynamoDB nests maps and lists at most 32 levels deep; the inquiry item itself takes a few of them. */
const MAX_DEPTH = 24;

/** DynamoDB refuses an empty attribute name, even inside a map. */
const EMPTY_KEY = '(empty)';
const PROTO_KEY = '(__proto__)';

/** DynamoDB numbers: magnitude 1E-130 to 9.99E+125; the SDK refuses integers it cannot write exactly. */
function storableNumber(n: number): boolean {
  if (Number.isInteger(n)) return Number.isSafeInteger(n);
  const size = Math.abs(n);
  return size >= 1e-130 && size < 1e125;
}

/**
 * Extra fields are kept as the sender sent them, but some JSON cannot be a DynamoDB attribute: integers beyond
 * 2^53 (already rounded by JSON.parse; the SDK refuses them) and numbers outside DynamoDB's range become their text, and nesting deeper than
 * DynamoDB allows is kept as JSON text. Without this a webhook with such a field was refused with a 500 for ever
 * and its inquiry lost (found by the reliability fuzzer).
 */
export function storableFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'number') return storableNumber(value) ? value : String(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return JSON.stringify(value);
  if (Array.isArray(value)) return value.map((item) => storableFields(item, depth + 1));
  // The SDK's marshaller builds maps on plain objects, where a "__proto__" key would set the prototype and vanish.
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => [key === '' ? EMPTY_KEY : key === '__proto__' ? PROTO_KEY : key, storableFields(item, depth + 1)]);
  // The SDK tells a map from a class instance by `value.constructor`: a field named "constructor" fools it, a Map does not.
  return Object.hasOwn(value, 'constructor') ? new Map(entries) : Object.fromEntries(entries);
}

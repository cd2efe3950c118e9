import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality that never throws: Node's `timingSafeEqual` throws on a length mismatch, which would turn
 * a client's malformed signature into a 500. A wrong length is simply "not equal" (the length is not secret).
 */
export function safeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Secrets are stored comma-separated so that two (old and new) can be active during a rotation. */
export function splitSecrets(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

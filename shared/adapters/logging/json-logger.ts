import type { Logger } from '../../ports/logger';
import { redactCustomerData } from './redaction';

/** The local runtime's logger (and any process outside Lambda): one JSON line per event on stdout. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, event: string, fields: Record<string, unknown> = {}) => {
    const safe = level === 'error' ? fields : redactCustomerData(fields);
    const error = fields.error instanceof Error ? { error: { name: fields.error.name, message: fields.error.message } } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...safe, ...error }));
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

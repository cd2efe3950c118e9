/** Structured JSON logs, one line per event; never customer message bodies at info level. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), base: Record<string, unknown> = {}): Logger {
  const emit = (level: string, event: string, fields: Record<string, unknown> = {}) => {
    const error = fields.error instanceof Error ? { error: { name: fields.error.name, message: fields.error.message } } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields, ...error }));
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

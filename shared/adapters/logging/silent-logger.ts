import type { Logger } from '../../ports/logger';

/** Logs nothing: tests and tools whose output is the result, not the log. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

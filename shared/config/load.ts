import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { WatchdogConfigSchema, type WatchdogConfig } from './schema';

/** `inboxes[0].hours.mon` from zod's path array. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${formatPath(issue.path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  // `input` is only present because we parse with reportInput; undefined there means the field is missing.
  if ('input' in issue && issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return `${formatPath(issue.path)}: is required`;
  if (issue.code === 'invalid_type') return `${formatPath(issue.path)}: must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** Validates an already-parsed config value; throws ConfigError naming each path and problem. */
export function parseConfig(value: unknown, source = 'configuration'): WatchdogConfig {
  const result = WatchdogConfigSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.map(describeIssue));
  return result.data;
}

/** Reads and validates the user's JSON config file. */
export function loadConfigFile(path: string): WatchdogConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseConfig(value, path);
}

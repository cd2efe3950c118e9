import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { ackTemplateProblems, type AckTemplateKind } from '../messages/acknowledgement';
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

const TEMPLATE_KINDS: AckTemplateKind[] = ['subject', 'text', 'html'];
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The acknowledgement templates' own problems (syntax, unknown placeholders, unescaped HTML), path by path. Read
 * from the value as given, so they are reported together with the schema's issues rather than after them; a
 * template that is not a string is the schema's issue alone.
 */
function templateProblems(value: unknown): string[] {
  if (!isRecord(value) || !Array.isArray(value.inboxes)) return [];
  return value.inboxes.flatMap((inbox: unknown, i) => {
    const acknowledgement = isRecord(inbox) ? inbox.acknowledgement : undefined;
    if (!isRecord(acknowledgement)) return [];
    const channels = isRecord(acknowledgement.channels) ? acknowledgement.channels : {};
    const levels: Array<[string, unknown]> = [['', acknowledgement], ...Object.entries(channels).map(([channel, level]): [string, unknown] => [`channels.${channel}.`, level])];
    return levels.flatMap(([prefix, level]) =>
      TEMPLATE_KINDS.flatMap((kind) => {
        const source = isRecord(level) ? level[kind] : undefined;
        return typeof source === 'string' ? ackTemplateProblems(source, kind).map((problem) => `inboxes[${i}].acknowledgement.${prefix}${kind}: ${problem}`) : [];
      }),
    );
  });
}

/** Validates an already-parsed config value; throws ConfigError naming each path and problem. */
export function parseConfig(value: unknown, source = 'configuration'): WatchdogConfig {
  const result = WatchdogConfigSchema.safeParse(value, { reportInput: true });
  const problems = [...(result.success ? [] : result.error.issues.map(describeIssue)), ...templateProblems(value)];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
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

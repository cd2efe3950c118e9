import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';

/** A synthesized CloudFormation template, as plain JSON (what CloudFormation itself reads). */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

const root = new URL('../../', import.meta.url);
const cdkJson = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')) as { context: Record<string, unknown> };
export const demoConfig = JSON.parse(readFileSync(new URL('config/demo.json', root), 'utf8')) as { inboxes: Array<Record<string, unknown>> };

/** Writes a config file to a scratch directory and returns its path. */
export function writeConfig(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'watchdog-cfn-')), 'watchdog.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/**
 * The stack's template as `cdk synth` writes it (cdk.json's feature flags), bundling skipped, and without the
 * cdk-nag packs (they change no resource; test/infra/stack.test.ts runs them).
 */
export function synthTemplate(configPath: string, context: Record<string, unknown> = {}): CfnTemplate {
  const { stack } = buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], config: configPath, ...context } }, { policyChecks: false });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The logical ids a value names through Ref, Fn::GetAtt and Fn::Sub (`${Id}`, `${Id.Attr}`, not `${!Literal}`, not
 * the Sub's own variables) — the references from which CloudFormation infers creation order.
 */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(inner) ? (inner as [string, Record<string, unknown>]) : [inner as string, {}];
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = match[1]!.split('.')[0]!;
          if (!(name in variables)) into.add(name);
        }
        referencedIds(variables, into);
      } else referencedIds(inner, into);
    }
  }
  return into;
}

/** Edges resource → the resources CloudFormation creates before it (references and DependsOn), resources only. */
export function dependencyGraph(template: CfnTemplate): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const names = referencedIds(resource.Properties ?? {});
    for (const dependency of asArray(resource.DependsOn)) names.add(dependency);
    graph.set(id, new Set([...names].filter((name) => name in template.Resources)));
  }
  return graph;
}

/** Every resource created before `id` (transitively). */
export function createdBefore(graph: Map<string, Set<string>>, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return seen;
}

export const refTo = (value: unknown): string | undefined => {
  const ids = [...referencedIds(value)];
  return ids.length === 1 ? ids[0] : undefined;
};

export type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: unknown };
export const statementsOf = (resource: CfnResource): Statement[] =>
  ((resource.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []) as Statement[];
export const actionsOf = (statement: Statement): string[] => asArray(statement.Action);
export { asArray };

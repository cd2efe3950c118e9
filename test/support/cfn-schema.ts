import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import type { CfnTemplate } from './cfn-template';

// Validates a template's resource properties against the CloudFormation resource specification that aws-cdk-lib
// itself is generated from (@aws-cdk/aws-service-spec, built from the CloudFormation registry schemas): known
// resource types, no unknown or missing required properties, value types, nested property types and allowed values.
// Values computed at deploy time (Ref, Fn::*) cannot be checked and are accepted where any value may stand.

let database: SpecDatabase | undefined;
const db = () => (database ??= loadAwsServiceSpecSync());

const isIntrinsic = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::.+|Condition)$/.test(Object.keys(value)[0]!);

function checkValue(value: unknown, type: PropertyType, path: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'json':
      return;
    case 'string':
    case 'date-time':
      if (typeof value !== 'string') problems.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      else if (type.type === 'string' && type.allowedValues?.length && !type.allowedValues.includes(value)) problems.push(`${path}: "${value}" is not one of ${type.allowedValues.join(', ')}`);
      return;
    case 'number':
    case 'integer':
      // CloudFormation accepts numbers written as strings, as CDK writes some of them.
      if (typeof value !== 'number' && !(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) problems.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      else if (type.type === 'integer' && !Number.isInteger(Number(value))) problems.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') problems.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'null':
      if (value !== null) problems.push(`${path}: expected null`);
      return;
    case 'tag':
      checkObject(value, { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, path, problems);
      return;
    case 'array':
      if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${JSON.stringify(value)}`);
      else value.forEach((item, i) => checkValue(item, type.element, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) problems.push(`${path}: expected a map, got ${JSON.stringify(value)}`);
      else for (const [key, item] of Object.entries(value)) checkValue(item, type.element, `${path}.${key}`, problems);
      return;
    case 'ref': {
      const definition = db().get('typeDefinition', type.reference) as TypeDefinition;
      checkObject(value, definition.properties, path, problems);
      return;
    }
    case 'union': {
      // Valid if any member type accepts it; otherwise report the closest member's problems.
      const attempts = type.types.map((member) => {
        const found: string[] = [];
        checkValue(value, member, path, found);
        return found;
      });
      if (attempts.some((found) => found.length === 0)) return;
      problems.push(...attempts.sort((a, b) => a.length - b.length)[0]!);
      return;
    }
  }
}

function checkObject(value: unknown, properties: Record<string, Property>, path: string, problems: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
    return;
  }
  const given = value as Record<string, unknown>;
  for (const [name, item] of Object.entries(given)) {
    const property = properties[name];
    if (!property) {
      problems.push(`${path}.${name}: no such property (known: ${Object.keys(properties).sort().join(', ')})`);
      continue;
    }
    const accepted = [property.type, ...(property.previousTypes ?? [])].some((type) => {
      const found: string[] = [];
      checkValue(item, type, `${path}.${name}`, found);
      return found.length === 0;
    });
    if (!accepted) checkValue(item, property.type, `${path}.${name}`, problems);
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && given[name] === undefined) problems.push(`${path}.${name}: required`);
  }
}

/** Every problem of every resource's properties, `LogicalId.Property…: what`. */
export function schemaProblems(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
      if (resource.Properties?.ServiceToken === undefined) problems.push(`${id}.ServiceToken: required`);
      continue;
    }
    const spec = db().lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (spec.length !== 1) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkObject(resource.Properties ?? {}, spec[0]!.properties, id, problems);
  }
  return problems;
}

import { MAILBOX_SECRETS_SCOPE, type SecretName } from '../../ports/secrets';

/**
 * Where each secret lives in SSM Parameter Store, and what a function's one read of them is: the path it asks for
 * and the IAM resource that authorises that request come from the same function here, so the grant and the call
 * cannot drift apart (GetParametersByPath is authorised against the path exactly as requested — trailing slash
 * included — not against the parameters it returns, and a grant on a path covers every level below it).
 *
 * Layout, per stack (one folder each, so staging and production in one account stay apart):
 *   /inquiry-watchdog/<stack>/api-token, webhook-secret/<inbox>[/<provider>], turnstile-secret/<inbox>, public-url
 *   /inquiry-watchdog/<stack>/signing/signing-key
 * The signing key sits one level down so that a function that only signs links (the sweep) reads it alone.
 */
export const PARAMETER_ROOT = '/inquiry-watchdog/';

/** The IAM action of the one call ./secrets.ts makes. */
export const READ_SECRETS_ACTION = 'ssm:GetParametersByPath';

/** The IAM action of the deploy-time webhook-secret check, which reads named parameters (GetParameters). */
export const CHECK_SECRETS_ACTION = 'ssm:GetParameters';

/**
 * What a function reads, in one recursive GetParametersByPath call: `all` the stack's whole folder (the HTTP API
 * checks the API token, webhook and Turnstile secrets and signs links and sign-in mail), `signing` only the signing
 * key's folder.
 */
export type SecretScope = 'all' | 'signing' | 'mailbox';

/** `mailbox`: the mailbox watch reads only the mailbox passwords and tokens (`mailbox/<inbox>/…`). */
const SCOPE_FOLDERS: Record<SecretScope, string> = { all: '', signing: 'signing/', mailbox: `${MAILBOX_SECRETS_SCOPE}/` };

const folderOf = (name: SecretName) => (name === 'signing-key' ? SCOPE_FOLDERS.signing : SCOPE_FOLDERS.all);

/** The stack's own folder, `/inquiry-watchdog/<stack>/`. */
export function stackFolder(stackName: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stackName)) throw new Error(`"${stackName}" is not a CloudFormation stack name`);
  return `${PARAMETER_ROOT}${stackName}/`;
}

/** The full parameter name a secret is stored under (what the owner creates with `aws ssm put-parameter`). */
export function parameterName(stackName: string, name: SecretName): string {
  return `${stackFolder(stackName)}${folderOf(name)}${name}`;
}

/**
 * The logical secret a returned parameter holds, or undefined when the parameter is not where that secret belongs
 * (e.g. a signing key left at the top of the folder, which only some functions would see).
 */
export function secretNameOf(fullName: string): SecretName | undefined {
  const match = /^\/inquiry-watchdog\/([^/]+)\/(.+)$/.exec(fullName);
  if (!match) return undefined;
  const [, stackName, rest] = match as unknown as [string, string, string];
  const name = (rest.startsWith(SCOPE_FOLDERS.signing) ? rest.slice(SCOPE_FOLDERS.signing.length) : rest) as SecretName;
  return parameterName(stackName, name) === fullName ? name : undefined;
}

/** True when a read of `path` (as `secretsRead` builds it) returns `name`: the secret is in that function's scope. */
export function isInScope(path: string, name: SecretName): boolean {
  const stackName = /^\/inquiry-watchdog\/([^/]+)\//.exec(path)?.[1];
  return stackName !== undefined && parameterName(stackName, name).startsWith(path);
}

export interface SecretsRead {
  /** The `Path` of the GetParametersByPath request (ends with a slash; read with `Recursive`). */
  path: string;
  /** The ARN that authorises exactly that request. */
  arn: string;
}

/** Where the account's parameters are, as ARN parts (CloudFormation tokens in the stack, literals in tests). */
export interface ArnParts {
  partition: string;
  region: string;
  account: string;
}

/** The ARN of one parameter, the resource GetParameters is authorised against for that name. */
export function parameterArn(fullName: string, where: ArnParts): string {
  return `arn:${where.partition}:ssm:${where.region}:${where.account}:parameter${fullName}`;
}

/** The one read a function with this scope makes, and the IAM resource it needs: built together, never apart. */
export function secretsRead(stackName: string, scope: SecretScope, where: ArnParts): SecretsRead {
  const path = `${stackFolder(stackName)}${SCOPE_FOLDERS[scope]}`;
  return { path, arn: parameterArn(path, where) };
}

/**
 * Secrets never live in the config file. Names are logical; each adapter maps them to where secrets live:
 * environment variables locally, SSM Parameter Store (SecureString) on AWS.
 *
 * - `api-token`              bearer token of the /api routes
 * - `signing-key`            HMAC key of everything the watchdog signs: one-click links in alerts, form render stamps
 * - `webhook-secret/<inbox>` signing secret(s) of an inbox's webhooks, comma-separated for rotation
 * - `public-url`             not a secret, but a setting known only after deploy (the API's URL, for links in mail):
 *                            it lives beside them, written by the stack on AWS
 */
export type SecretName = 'api-token' | 'signing-key' | 'public-url' | `webhook-secret/${string}`;

export interface SecretSource {
  /** The secret's value, or undefined when it is not set. */
  get(name: SecretName): Promise<string | undefined>;
}

/** Where each secret comes from locally: `WEBHOOK_SECRET_<INBOX ID upper-cased, dashes as underscores>`, etc. */
export function secretEnvName(name: SecretName): string {
  if (name === 'api-token') return 'WATCHDOG_API_TOKEN';
  if (name === 'signing-key') return 'WATCHDOG_SIGNING_KEY';
  if (name === 'public-url') return 'WATCHDOG_PUBLIC_URL';
  return `WEBHOOK_SECRET_${name.slice('webhook-secret/'.length).toUpperCase().replace(/-/g, '_')}`;
}

/** Secrets from environment variables (the local runtime, tests). */
export function envSecrets(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): SecretSource {
  return { get: async (name) => env[secretEnvName(name)] || undefined };
}

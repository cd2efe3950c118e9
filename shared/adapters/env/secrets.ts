/**
 * Secrets never live in the config file. Names are logical; each adapter maps them to where secrets live:
 * environment variables locally, SSM Parameter Store (SecureString) on AWS.
 *
 * - `api-token`              bearer token of the /api routes
 * - `signing-key`            HMAC key of everything the watchdog signs: one-click links in alerts, form render stamps
 * - `webhook-secret/<inbox>` signing secret(s) of an inbox's webhooks, comma-separated for rotation
 * - `webhook-secret/<inbox>/<provider>` a form provider's signing secret(s) (typeform, tally), comma-separated
 * - `turnstile-secret/<inbox>` Cloudflare Turnstile secret key of an inbox's form
 * - `mailbox/<inbox>/secret`  the IMAP password (an app password) of an inbox's mailbox, or its OAuth client secret
 * - `mailbox/<inbox>/refresh-token` the Google OAuth refresh token of an inbox's mailbox ("google-oauth2")
 * - `public-url`             not a secret, but a setting known only after deploy (the API's URL, for links in mail):
 *                            it lives beside them, written by the stack on AWS
 */
export type SecretName = 'api-token' | 'signing-key' | 'public-url' | `webhook-secret/${string}` | `turnstile-secret/${string}` | MailboxSecretName;

/** Mailbox secrets sit under one prefix, so the mailbox-watch function can be granted exactly those. */
export const MAILBOX_SECRETS_SCOPE = 'mailbox';
export type MailboxSecretName = `mailbox/${string}/secret` | `mailbox/${string}/refresh-token`;
export const mailboxSecretName = (inboxId: string, kind: 'secret' | 'refresh-token'): MailboxSecretName => `${MAILBOX_SECRETS_SCOPE}/${inboxId}/${kind}`;

export interface SecretSource {
  /** The secret's value, or undefined when it is not set. */
  get(name: SecretName): Promise<string | undefined>;
}

/**
 * Where each secret comes from locally: `WEBHOOK_SECRET_<INBOX ID upper-cased, dashes as underscores>`,
 * `TYPEFORM_SECRET_<INBOX>` / `TALLY_SECRET_<INBOX>` for providers, `TURNSTILE_SECRET_<INBOX>`,
 * `MAILBOX_SECRET_<INBOX>` and `MAILBOX_REFRESH_TOKEN_<INBOX>` for the mailbox watch.
 */
export function secretEnvName(name: SecretName): string {
  if (name === 'api-token') return 'WATCHDOG_API_TOKEN';
  if (name === 'signing-key') return 'WATCHDOG_SIGNING_KEY';
  if (name === 'public-url') return 'WATCHDOG_PUBLIC_URL';
  const envId = (id: string) => id.toUpperCase().replace(/-/g, '_');
  if (name.startsWith(`${MAILBOX_SECRETS_SCOPE}/`)) {
    const [, inbox, kind] = name.split('/');
    return `MAILBOX_${kind === 'refresh-token' ? 'REFRESH_TOKEN' : 'SECRET'}_${envId(inbox!)}`;
  }
  if (name.startsWith('turnstile-secret/')) return `TURNSTILE_SECRET_${envId(name.slice('turnstile-secret/'.length))}`;
  const [inbox, provider] = name.slice('webhook-secret/'.length).split('/');
  return provider ? `${envId(provider)}_SECRET_${envId(inbox!)}` : `WEBHOOK_SECRET_${envId(inbox!)}`;
}

/** Secrets from environment variables (the local runtime, tests). */
export function envSecrets(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): SecretSource {
  return { get: async (name) => env[secretEnvName(name)] || undefined };
}

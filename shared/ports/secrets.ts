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

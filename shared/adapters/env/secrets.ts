import { MAILBOX_SECRETS_SCOPE, type SecretName, type SecretSource } from '../../ports/secrets';

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

import { createHash } from 'node:crypto';
import type { MailboxConnection } from '../../config/schema';
import { mailboxSecretName, type SecretSource } from '../../ports/secrets';
import { MailboxSecretMissingError, type MailboxLogin, type MailboxLogins, type TokenProvider } from '../../ports/mailbox';
import { googleRefreshToken, microsoftClientCredentials } from './token-providers';

/**
 * Mailbox logins from the secrets: a password as it is; OAuth through a token provider kept per inbox and secret,
 * so its access token is reused until shortly before it expires (and a replaced secret gets a fresh provider).
 */
export function mailboxLogins(secrets: SecretSource, now: () => number = Date.now): MailboxLogins {
  const providers = new Map<string, { fingerprint: string; provider: TokenProvider }>();
  return {
    async loginFor(inboxId: string, connection: MailboxConnection): Promise<MailboxLogin> {
      const secretName = mailboxSecretName(inboxId, 'secret');
      const secret = await secrets.get(secretName);
      if (!secret) throw new MailboxSecretMissingError(`the mailbox secret ${secretName} is not set`);
      const refreshToken = connection.auth === 'google-oauth2' ? await secrets.get(mailboxSecretName(inboxId, 'refresh-token')) : undefined;
      if (connection.auth === 'google-oauth2' && !refreshToken) throw new MailboxSecretMissingError(`the refresh token ${mailboxSecretName(inboxId, 'refresh-token')} is not set`);
      const fingerprint = createHash('sha256').update(`${connection.auth}\0${connection.user}\0${secret}\0${refreshToken ?? ''}`).digest('hex').slice(0, 16);
      if (connection.auth === 'password') return { fingerprint, credentials: async () => ({ user: connection.user, password: secret }) };

      let entry = providers.get(inboxId);
      if (!entry || entry.fingerprint !== fingerprint) {
        const oauth = connection.oauth!;
        const provider =
          connection.auth === 'microsoft-oauth2'
            ? microsoftClientCredentials({ clientId: oauth.clientId, clientSecret: secret, ...(oauth.tenant ? { tenant: oauth.tenant } : {}), ...(oauth.tokenUrl ? { tokenUrl: oauth.tokenUrl } : {}) }, now)
            : googleRefreshToken({ clientId: oauth.clientId, clientSecret: secret, refreshToken: refreshToken!, ...(oauth.tokenUrl ? { tokenUrl: oauth.tokenUrl } : {}) }, now);
        entry = { fingerprint, provider };
        providers.set(inboxId, entry);
      }
      const { provider } = entry;
      return { fingerprint, credentials: async () => ({ user: connection.user, accessToken: await provider.accessToken() }) };
    },
  };
}

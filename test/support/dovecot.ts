import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../infra/local/ports';
import { ensureAptPackage } from './apt-package';

/**
 * A real IMAP server for the mailbox-watch tests: Debian's Dovecot (`dovecot-imapd`, installed where missing)
 * run unprivileged from a config of its own on loopback, with one throw-away user whose Maildir lives in a temp
 * folder. Its Sent folder carries the RFC 6154 `\Sent` flag, as Gmail's, iCloud's and most hosts' do.
 */
export const DOVECOT = '/usr/sbin/dovecot';

export const ensureDovecot = (): Promise<string> => ensureAptPackage('dovecot-imapd', DOVECOT);

export interface MailUser {
  user: string;
  password: string;
  /** A mail client's session on the user's mailbox (APPEND, CREATE, DELETE as a person's client does them). */
  client(): Promise<ImapFlow>;
  /** Stores a message in a folder exactly as a mail client does after sending (APPEND with \Seen). */
  append(folder: string, raw: string | Buffer): Promise<void>;
}

export interface Dovecot extends MailUser {
  host: string;
  port: number;
  /** Another throw-away user with a mailbox of its own (and its Sent folder), so tests do not see each other's mail. */
  newUser(): Promise<MailUser>;
  stop(): Promise<void>;
}

const USERS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function uidOf(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * The Sent folder is flagged \Sent but not auto-created, so a test can delete it as a person might, and it stays
 * gone until created again (with a new UIDVALIDITY).
 */
export async function startDovecot(options: { sentFolder?: { name: string; specialUse: boolean } } = {}): Promise<Dovecot> {
  await ensureDovecot();
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-dovecot-'));
  // Dovecot's auth process (an unprivileged user) must be able to reach its users file.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // As root, Dovecot's login processes refuse to run as root: they run as the package's unprivileged users, and the
  // mail belongs to the `dovecot` user; otherwise everything runs as the current user.
  const owner = root ? uidOf('dovecot') : { uid: userInfo().uid, gid: userInfo().gid };
  if (!owner) throw new Error('the dovecot user is missing: reinstall dovecot-core');
  // The users are all written before start: Dovecot notices a changed passwd-file by its mtime in whole seconds, so
  // a user added within the same second as the last change could be missed.
  const accounts = Array.from({ length: USERS }, (_, i) => {
    const home = join(dir, `home-${i + 1}`);
    mkdirSync(home, { recursive: true });
    if (root) chownSync(home, owner.uid, owner.gid);
    return { user: `owner${i + 1}@acme.test`, password: `pw-${Math.random().toString(36).slice(2)}`, home };
  });
  writeFileSync(join(dir, 'users'), accounts.map((a) => `${a.user}:{PLAIN}${a.password}:${owner.uid}:${owner.gid}::${a.home}\n`).join(''));
  let handedOut = 0;
  const addUser = () => {
    const account = accounts[handedOut++];
    if (!account) throw new Error(`the test Dovecot has only ${USERS} users`);
    return account;
  };
  const sent = options.sentFolder ?? { name: 'Sent', specialUse: true };
  const config = [
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    'protocols = imap',
    'listen = 127.0.0.1',
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    // A wrong password is answered at once (the default waits 2 s, which only slows the tests down).
    'auth_failure_delay = 0',
    `first_valid_uid = ${Math.min(owner.uid, 100)}`,
    ...(root ? ['default_login_user = dovenull', 'default_internal_user = dovecot', 'default_internal_group = dovecot'] : [`default_login_user = ${userInfo().username}`, `default_internal_user = ${userInfo().username}`]),
    'mail_location = maildir:~/Maildir',
    `passdb {\n  driver = passwd-file\n  args = ${join(dir, 'users')}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${join(dir, 'users')}\n}`,
    `namespace inbox {\n  inbox = yes\n  separator = /\n  mailbox "${sent.name}" {\n    ${sent.specialUse ? 'special_use = \\Sent\n    ' : ''}auto = no\n  }\n}`,
    `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    'service anvil {\n  chroot =\n}',
    'service stats {\n  inet_listener http {\n    port = 0\n  }\n}',
    '',
  ].join('\n');
  const configFile = join(dir, 'dovecot.conf');
  writeFileSync(configFile, config);
  // Started detached with its stdio closed: the daemon would otherwise keep the caller's pipes open.
  execFileSync(DOVECOT, ['-c', configFile], { stdio: 'ignore' });
  const pidFile = join(dir, 'run', 'master.pid');

  const mailUser = ({ user, password }: { user: string; password: string; home?: string }): MailUser => {
    const self: MailUser = {
    user,
    password,
    async client() {
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, disableAutoIdle: true, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    async append(folder, raw) {
      const client = await self.client();
      try {
        await client.append(folder, typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n')) : raw, ['\\Seen']);
      } finally {
        await client.logout();
      }
    },
    };
    return self;
  };
  // A new user's Sent folder is created as a mail client's first start does.
  const newUser = async () => {
    const created = mailUser(addUser());
    const client = await created.client();
    await client.mailboxCreate(sent.name);
    await client.logout();
    return created;
  };

  const first = mailUser(addUser());
  const dovecot: Dovecot = {
    ...first,
    host: '127.0.0.1',
    port,
    newUser,
    async stop() {
      if (!existsSync(pidFile)) return rmSync(dir, { recursive: true, force: true });
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(50);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The listener is up once a client gets a greeting; the Sent folder is created as a mail client's first start does.
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await first.client();
      await client.mailboxCreate(sent.name);
      await client.logout();
      break;
    } catch (error) {
      if (attempt > 50) {
        const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '(no log)';
        await dovecot.stop();
        throw new Error(`Dovecot did not come up on 127.0.0.1:${port}: ${(error as Error).message}\n${log}`);
      }
      await sleep(100);
    }
  }
  return dovecot;
}


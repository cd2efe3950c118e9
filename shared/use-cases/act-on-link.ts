import { verifyActionToken, type ActionLink } from '../signing/action-links';
import { createHash } from 'node:crypto';
import { ConflictError, RetryableError } from '../domain/errors';
import type { Inquiry } from '../domain/inquiry';
import type { DepsWith } from '../ports/deps';
import type { InquiryStore, ClaimStore } from '../ports/store';
import { getInquiry } from './get-inquiry';
import { recordAnswer } from './record-answer';
import { snoozeInquiry } from './snooze-inquiry';

const SNOOZE_MS = { 'snooze-1h': 3_600_000, 'snooze-4h': 4 * 3_600_000 } as const;

async function verify(deps: DepsWith<InquiryStore & ClaimStore>, token: string): Promise<ActionLink> {
  const key = await deps.secrets.get('signing-key');
  if (!key) throw new RetryableError('One-click links are not configured (no signing-key secret)');
  return verifyActionToken(key, token, deps.clock.now());
}

/** GET of a one-click link: what it would do, to which inquiry — nothing changes yet. */
export async function previewLink(deps: DepsWith<InquiryStore & ClaimStore>, token: string): Promise<{ link: ActionLink; inquiry: Inquiry }> {
  const link = await verify(deps, token);
  return { link, inquiry: await getInquiry(deps, link.inquiryId) };
}

/** POST of a one-click link: the action itself, on behalf of the alert recipient it was made for. */
export async function actOnLink(deps: DepsWith<InquiryStore & ClaimStore>, token: string): Promise<{ link: ActionLink; inquiry: Inquiry; changed: boolean }> {
  const link = await verify(deps, token);
  // Each token acts once: a replayed POST (a forwarded or quoted alert, a script) changes nothing.
  const use = `action-link#${createHash('sha256').update(token).digest('hex')}`;
  if (!(await deps.store.claimOnce(use, new Date(link.expiresAt.getTime() + 86_400_000)))) {
    throw new ConflictError('This link was already used. Open the inquiry from a newer alert or the status page.');
  }
  // Claimed before acting, so two racing POSTs cannot both act. Should the store fail between the claim and the action
  // (rare: the claim itself needs it), the link is used up and the status page's buttons remain.
  return act(deps, link);
}

async function act(deps: DepsWith<InquiryStore & ClaimStore>, link: ActionLink): Promise<{ link: ActionLink; inquiry: Inquiry; changed: boolean }> {
  if (link.action === 'answer') {
    const { inquiry, changed } = await recordAnswer(deps, link.inquiryId, { by: link.recipient, via: 'link' });
    return { link, inquiry, changed };
  }
  const before = await getInquiry(deps, link.inquiryId);
  const inquiry = await snoozeInquiry(deps, link.inquiryId, { ms: SNOOZE_MS[link.action], by: link.recipient });
  return { link, inquiry, changed: inquiry.version !== before.version };
}

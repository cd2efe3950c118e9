import { createHash, randomUUID } from 'node:crypto';
import { verifyTurnstile } from '../adapters/turnstile/siteverify';
import { formSettingsOf } from '../config/form-settings';
import type { InboxConfig } from '../config/schema';
import { formValue, mapForm, TURNSTILE_FIELD, type FormValues } from '../channels/forms';
import type { Deps } from '../ports/deps';
import { checkFormStamp, STAMP_FIELD } from '../signing/form-stamp';
import { receiveInquiry, type ReceiveResult } from './receive-inquiry';
import { sameContentWithin } from './same-content';

export type FormSubmission = ({ state: 'received' } & ReceiveResult) | { state: 'discarded'; reason: string };

/**
 * A contact form's submission, read and allowed from its origin: the silent bot checks (honeypot, the signed render
 * stamp's minimum fill time), the field mapping — a FieldValidationError lists what a person must fix — the
 * optional CAPTCHA, then the inquiry. A discarded submission stores and sends nothing; the caller answers it as if
 * it had been received, so a bot learns nothing.
 */
export async function submitForm(deps: Deps, inbox: InboxConfig, values: FormValues, options: { signingKey: string | undefined; sourceIp?: string }): Promise<FormSubmission> {
  const settings = formSettingsOf(inbox);
  const trap = formValue(values, settings.honeypot);
  const stamp = checkFormStamp(options.signingKey, inbox.id, formValue(values, STAMP_FIELD), deps.clock.now(), settings.minFillSeconds);
  const discard =
    trap ? 'honeypot filled' : stamp.state === 'forged' || stamp.state === 'too-fast' ? `stamp ${stamp.state}` : settings.requireStamp && stamp.state !== 'ok' ? `stamp ${stamp.state}` : undefined;
  if (discard) {
    deps.log.info('form.discarded', { inboxId: inbox.id, reason: discard, sourceIp: options.sourceIp });
    return { state: 'discarded', reason: discard };
  }

  const mapped = mapForm(values, settings.honeypot, settings.fields);

  if (inbox.forms?.turnstile) {
    await verifyTurnstile({
      url: inbox.forms.turnstile.verifyUrl,
      secret: await deps.secrets.get(`turnstile-secret/${inbox.id}`),
      token: formValue(values, TURNSTILE_FIELD),
      remoteIp: options.sourceIp,
    });
  }

  const input = {
    inboxId: inbox.id,
    channel: 'form' as const,
    // One rendered form and one text are one inquiry (a re-post after "back" or a double click); without a stamp,
    // only the same-content window below recognises repeats.
    deliveryId: stamp.state === 'ok' ? `stamp:${createHash('sha256').update(`${stamp.nonce}\n${JSON.stringify(mapped.content)}`).digest('hex')}` : `form:${randomUUID()}`,
    ...mapped.content,
  };
  return { state: 'received', ...(await receiveInquiry(deps, input, { sameContentWithin: sameContentWithin(input) })) };
}

import { findInbox } from '../../config/inboxes';
import { NotFoundError } from '../../domain/errors';
import type { Deps } from '../../ports/deps';
import { receiveInquiry, type InquiryInput, type ReceiveResult } from '../../use-cases/receive-inquiry';
import { webhookSecretsFor } from '../../use-cases/webhook-secrets';
import { sameContentWithin } from '../../use-cases/same-content';
import { buildContent } from '../../channels/field-mapping';
import { answersToRoles } from '../../channels/providers/answers';
import { PROVIDERS } from '../../channels/providers';
import { verifyStandardWebhook } from '../../channels/signatures/standard-webhooks';
import { readJsonBody, refuseOversized, webhookInput } from '../../channels/webhook';
import { json, type HttpResponse } from '../http';
import type { Route } from '../router';
import { inboxWebhookSecretName } from '../../signing/webhook-secret-rule';

/**
 * The webhook doors. The size is checked first, then the signature on the raw bytes, and only then is anything
 * parsed: a flood of large or unsigned bodies costs a length check and an HMAC, nothing more.
 */

/**
 * The 202 answer. It says whether the customer was acknowledged and, if not, why (a cap, say): the sender of a
 * webhook is the business's own system, and a silent "accepted" hid suppressed acknowledgements. (Public forms do
 * not say it: a stranger would learn whether an address wrote in recently.)
 */
function receipt({ inquiry, duplicate }: ReceiveResult): HttpResponse {
  const { state, reason } = inquiry.ack;
  const acknowledgement = state === 'sent' || !reason ? { state } : { state, reason };
  return json(202, { id: inquiry.id, reference: inquiry.reference, replyBy: inquiry.replyBy, duplicate, acknowledgement });
}

export const webhookRoutes: Array<Route<Deps>> = [
  {
    // Generic JSON, Standard Webhooks signature.
    method: 'POST',
    pattern: '/webhooks/{inbox}',
    handle: async (request, params, deps) => {
      const inbox = findInbox(deps.config, params.inbox!);
      refuseOversized(request);
      const secrets = await webhookSecretsFor(deps, inboxWebhookSecretName(inbox.id));
      if (secrets !== 'unsigned') {
        verifyStandardWebhook({ headers: request.headers, body: request.body, secrets, now: deps.clock.now(), toleranceSeconds: inbox.webhooks?.toleranceSeconds });
      }
      const input = webhookInput(request, readJsonBody(request), inbox.id, inbox.webhooks?.fields);
      return receipt(await receiveInquiry(deps, input, { sameContentWithin: sameContentWithin(input) }));
    },
  },
  {
    // A form provider's own payload and signature scheme.
    method: 'POST',
    pattern: '/webhooks/{inbox}/{provider}',
    handle: async (request, params, deps) => {
      const inbox = findInbox(deps.config, params.inbox!);
      const providerName = params.provider!;
      const provider = Object.prototype.hasOwnProperty.call(PROVIDERS, providerName) ? PROVIDERS[providerName] : undefined;
      if (!provider) throw new NotFoundError(`Webhook provider "${providerName.slice(0, 40)}" is not supported (supported: ${Object.keys(PROVIDERS).join(', ')}); post generic JSON to /webhooks/${inbox.id}`);
      refuseOversized(request);
      const secrets = await webhookSecretsFor(deps, `webhook-secret/${inbox.id}/${providerName}`);
      if (secrets !== 'unsigned') provider.verify(request.headers, request.body, secrets);
      const { eventId, answers, meta } = provider.read(readJsonBody(request));
      const { raw, fields } = answersToRoles(answers);
      const content = buildContent(raw, fields, `Invalid ${providerName} response`);
      const input: InquiryInput = { inboxId: inbox.id, channel: 'webhook', deliveryId: `${providerName}:${eventId.slice(0, 200)}`, ...content };
      // The same-content key is computed before the provider's metadata (response id, times) is added, so a resubmission
      // of the same answers within the window is recognised too.
      const key = sameContentWithin(input);
      return receipt(await receiveInquiry(deps, { ...input, fields: { ...content.fields, [providerName]: meta } }, { sameContentWithin: key }));
    },
  },
];

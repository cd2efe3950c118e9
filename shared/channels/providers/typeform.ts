import * as z from 'zod';
import { ValidationError } from '../../domain/errors';
import type { Answer } from './answers';

/**
 * Typeform's webhook (https://www.typeform.com/developers/webhooks/example-payload/): `event_id`, `event_type`
 * ("form_response"), `form_response` with `form_id`, `token` (the response id), `submitted_at`, `hidden`,
 * `definition.fields[]` (id, title, type, ref) and `answers[]` (type + the value under that type's name, `field`).
 */
const AnswerSchema = z.looseObject({
  type: z.string(),
  field: z.looseObject({ id: z.string(), type: z.string().optional(), ref: z.string().optional() }),
});

const TypeformSchema = z.looseObject({
  event_id: z.string().min(1),
  event_type: z.string(),
  form_response: z.looseObject({
    form_id: z.string(),
    token: z.string().optional(),
    submitted_at: z.string().optional(),
    hidden: z.record(z.string(), z.unknown()).optional(),
    definition: z.looseObject({ title: z.string().optional(), fields: z.array(z.looseObject({ id: z.string(), title: z.string().optional(), type: z.string().optional() })).default([]) }).optional(),
    answers: z.array(AnswerSchema).default([]),
  }),
});

function answerValue(answer: Record<string, unknown>): unknown {
  const type = answer.type as string;
  const value = answer[type];
  if (type === 'choice' && value && typeof value === 'object') return (value as { label?: string; other?: string }).label ?? (value as { other?: string }).other;
  if (type === 'choices' && value && typeof value === 'object') {
    const { labels = [], other } = value as { labels?: string[]; other?: string };
    return other ? [...labels, other] : labels;
  }
  return value;
}

export function typeformAnswers(body: unknown): { eventId: string; answers: Answer[]; meta: Record<string, unknown> } {
  const parsed = TypeformSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(`Not a Typeform webhook: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  }
  const { event_id: eventId, event_type: eventType, form_response: response } = parsed.data;
  if (eventType !== 'form_response') throw new ValidationError(`Typeform event_type "${eventType}" is not a form response`);
  const titles = new Map((response.definition?.fields ?? []).map((f) => [f.id, { title: f.title, type: f.type }]));
  const answers: Answer[] = response.answers.map((answer) => {
    const definition = titles.get(answer.field.id);
    const fieldType = answer.field.type ?? definition?.type;
    return {
      label: definition?.title ?? answer.field.ref ?? answer.field.id,
      kind: answer.type === 'email' ? 'email' : answer.type === 'phone_number' ? 'phone' : fieldType === 'long_text' ? 'long-text' : undefined,
      value: answerValue(answer),
    };
  });
  for (const [key, value] of Object.entries(response.hidden ?? {})) answers.push({ label: key, value });
  return {
    eventId,
    answers,
    meta: { provider: 'typeform', formId: response.form_id, ...(response.definition?.title ? { formTitle: response.definition.title } : {}), ...(response.token ? { responseId: response.token } : {}), ...(response.submitted_at ? { submittedAt: response.submitted_at } : {}) },
  };
}

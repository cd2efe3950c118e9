import * as z from 'zod';
import { ValidationError } from '../../domain/errors';
import type { Answer } from './answers';

/**
 * Tally's webhook (https://tally.so/help/webhooks): `eventId`, `eventType` ("FORM_RESPONSE"), `createdAt`, `data`
 * with `responseId`, `submissionId`, `respondentId`, `formId`, `formName` and `fields[]` of
 * `{ key, label, type (INPUT_EMAIL, INPUT_PHONE_NUMBER, TEXTAREA, MULTIPLE_CHOICE, CHECKBOXES…), value, options? }`.
 */
const FieldSchema = z.looseObject({
  key: z.string(),
  label: z.string().nullish(),
  type: z.string(),
  value: z.unknown(),
  options: z.array(z.looseObject({ id: z.string(), text: z.string() })).optional(),
});

const TallySchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.string(),
  createdAt: z.string().optional(),
  data: z.looseObject({
    responseId: z.string().optional(),
    submissionId: z.string().optional(),
    formId: z.string().optional(),
    formName: z.string().optional(),
    fields: z.array(FieldSchema),
  }),
});

/** Choice questions carry option ids; the person chose the option's text. */
function fieldValue(field: z.infer<typeof FieldSchema>): unknown {
  if (!field.options) return field.value;
  const text = new Map(field.options.map((o) => [o.id, o.text]));
  if (Array.isArray(field.value)) return field.value.map((v) => text.get(String(v)) ?? v);
  return typeof field.value === 'string' ? (text.get(field.value) ?? field.value) : field.value;
}

export function tallyAnswers(body: unknown): { eventId: string; answers: Answer[]; meta: Record<string, unknown> } {
  const parsed = TallySchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(`Not a Tally webhook: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  }
  const { eventId, eventType, data } = parsed.data;
  if (eventType !== 'FORM_RESPONSE') throw new ValidationError(`Tally eventType "${eventType}" is not a form response`);
  const answers: Answer[] = data.fields
    .filter((field) => field.value !== null && field.value !== undefined && field.value !== '')
    .map((field) => ({
      label: field.label || field.key,
      kind: field.type === 'INPUT_EMAIL' ? 'email' : field.type === 'INPUT_PHONE_NUMBER' ? 'phone' : field.type === 'TEXTAREA' ? 'long-text' : undefined,
      value: fieldValue(field),
    }));
  return {
    eventId,
    answers,
    meta: {
      provider: 'tally',
      ...(data.formId ? { formId: data.formId } : {}),
      ...(data.formName ? { formName: data.formName } : {}),
      ...(data.responseId ? { responseId: data.responseId } : {}),
      ...(data.submissionId ? { submissionId: data.submissionId } : {}),
    },
  };
}

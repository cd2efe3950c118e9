import { InboxSchema, type InboxConfig } from './schema';

type FormSettings = NonNullable<InboxConfig['forms']>;

/** The schema's own defaults (honeypot `_gotcha`, 3 s minimum fill time, …), for an inbox without a `forms` block. */
const DEFAULTS: FormSettings = InboxSchema.shape.forms.unwrap().parse({});

/** How an inbox's forms are guarded: its `forms` block, defaults filled in by the schema. */
export function formSettingsOf(inbox: InboxConfig): FormSettings {
  return inbox.forms ?? DEFAULTS;
}

import Handlebars from 'handlebars';

/**
 * Templates are Handlebars: HTML templates escape every value by default; text templates (subjects, plain-text
 * bodies) do not escape, because `&` must stay `&` there — header safety is the mailer's job.
 */
const engine = Handlebars.create();

export type Template<T> = (data: T) => string;

export function htmlTemplate<T>(source: string): Template<T> {
  return engine.compile(source, { strict: true });
}

export function textTemplate<T>(source: string): Template<T> {
  return engine.compile(source, { noEscape: true, strict: true });
}

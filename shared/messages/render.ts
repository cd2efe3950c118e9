// The package's Node entry (lib/index.js) only adds `require('x.hbs')` loaders and the AST printer to this very
// instance, neither of which the watchdog uses: importing the core build keeps 3 KB out of every bundle.
import Handlebars from 'handlebars/dist/cjs/handlebars.js';

/**
 * Templates are Handlebars: HTML templates escape every value by default; text templates (subjects, plain-text
 * bodies) do not escape, because `&` must stay `&` there — header safety is the mailer's job. Only the built-in
 * helpers exist (`if`, `unless`, `each`, `with`), so a template from the config cannot call anything else.
 */
const engine = Handlebars.create();
const OPTIONS = { strict: true, knownHelpersOnly: true } as const;

export type Template<T> = (data: T) => string;

export function htmlTemplate<T>(source: string): Template<T> {
  return engine.compile(source, OPTIONS);
}

export function textTemplate<T>(source: string): Template<T> {
  return engine.compile(source, { ...OPTIONS, noEscape: true });
}

/** The same escaping HTML templates apply to values, for HTML we assemble ourselves. */
export function escapeHtml(text: string): string {
  return engine.Utils.escapeExpression(text);
}

/** Parses a template without rendering it; throws with Handlebars' own message on a syntax error. */
export function parseTemplate(source: string): hbs.AST.Program {
  return engine.parse(source);
}

/** Whether a template prints any value without escaping (`{{{x}}}`, `{{& x}}`): unsafe for customer text in HTML. */
export function printsRaw(program: hbs.AST.Program): boolean {
  const visit = (node: hbs.AST.Node | undefined | null): boolean => {
    if (!node) return false;
    if (node.type === 'MustacheStatement') return !(node as hbs.AST.MustacheStatement).escaped;
    if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      return visit(block.program) || visit(block.inverse);
    }
    if (node.type === 'Program') return (node as hbs.AST.Program).body.some(visit);
    return false;
  };
  return visit(program);
}

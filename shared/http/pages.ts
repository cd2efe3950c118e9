import { htmlTemplate } from '../messages/render';
import type { HttpResponse } from './http';

interface PageData {
  title: string;
  paragraphs: string[];
  /** A single-button form posting back to the same URL (the confirmation step of one-click links). */
  confirm?: { label: string };
}

const page = htmlTemplate<PageData>(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}} — inquiry-watchdog</title>
<style>body{font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36em;margin:3em auto;padding:0 1em}
button{font-size:1.1em;padding:.6em 1.4em;border-radius:6px;border:0;background:#1a5fb4;color:#fff;cursor:pointer}</style>
</head><body>
<h1>{{title}}</h1>
{{#each paragraphs}}<p>{{this}}</p>{{/each}}
{{#if confirm}}<form method="post"><button type="submit">{{confirm.label}}</button></form>{{/if}}
</body></html>
`);

/** A small, self-contained HTML page; every value is escaped by the template. */
export function htmlPage(statusCode: number, data: PageData): HttpResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Nothing on these pages needs scripts or framing; keep them inert.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    },
    body: page(data),
  };
}

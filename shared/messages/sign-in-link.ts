import { htmlTemplate, textTemplate } from './render';

interface SignInData {
  link: string;
  minutes: number;
}

const text = textTemplate<SignInData>(`Someone (hopefully you) asked to sign in to the inquiry-watchdog status page.

Sign in: {{link}}

The link works once, for {{minutes}} minutes. If you did not ask for it, ignore this mail: nothing happens without the click.
`);

const html = htmlTemplate<SignInData>(`<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36em">
<p>Someone (hopefully you) asked to sign in to the inquiry-watchdog status page.</p>
<p><a href="{{link}}" style="display:inline-block;padding:.6em 1.2em;border-radius:6px;background:#1a5fb4;color:#fff;text-decoration:none">Sign in to the status page</a></p>
<p style="color:#555">The link works once, for {{minutes}} minutes. If you did not ask for it, ignore this mail: nothing happens without the click.</p>
</body></html>
`);

export function renderSignInLink(link: string, minutes: number): { subject: string; text: string; html: string } {
  return { subject: 'Your sign-in link for the status page', text: text({ link, minutes }), html: html({ link, minutes }) };
}

import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../shared/channels/email/parse';

describe('text of an HTML-only mail (postal-mime conversion)', () => {
  it('keeps what the customer wrote and drops markup, styles, scripts and tracking images', async () => {
    const text = await htmlToText(
      '<html><head><style>p { color: red }</style><script>alert(1)</script></head><body><p>Hello,</p><p>I would like a <b>quote</b> for a new boiler.</p>' +
        '<ul><li>3 bedrooms</li><li>gas</li></ul><img src="https://tracker.example/x.png"><p>Caf&eacute; &amp; &#8364;5, Thanks</p></body></html>',
    );
    expect(text).toContain('Hello,');
    expect(text).toContain('I would like a quote for a new boiler.');
    expect(text).toContain('3 bedrooms');
    expect(text).toContain('Café & €5, Thanks');
    expect(text).not.toMatch(/<|alert\(1\)|color: red|tracker\.example/);
    expect(text).not.toMatch(/\n{3,}|[ \t]\n/);
  });

  it('is not fooled by MIME boundaries or headers inside the HTML', async () => {
    const text = await htmlToText('<p>first</p>\r\n--=_watchdog_x--\r\nContent-Type: text/plain\r\n\r\n<p>second</p>');
    expect(text).toContain('first');
    expect(text).toContain('second');
  });
});

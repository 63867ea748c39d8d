import { describe, expect, it } from 'vitest';
import { XmlSyntaxError, parseXml } from '../../../src-main/import/xml';

function syntaxError(text: string): { line: number; message: string } {
  try {
    parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { line: error.line, message: error.message };
    throw error;
  }
  throw new Error('parsed without error');
}

describe('the small XML reader', () => {
  it('reads elements, attributes in either quote, text, comments, CDATA and the declaration, with lines', () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<!-- c -->\n<a x='1' y="two &amp; &#51;&#x34;">\n  <b>text &lt;here&gt;<![CDATA[ <raw> ]]></b>\n  <c/>\n</a>\n`,
    );
    expect(root.name).toBe('a');
    expect(root.attributes).toEqual({ x: '1', y: 'two & 34' });
    expect(root.line).toBe(3);
    expect(root.children.map((c) => [c.name, c.line])).toEqual([
      ['b', 4],
      ['c', 5],
    ]);
    expect(root.children[0]!.text).toBe('text <here> <raw> ');
  });

  it.each([
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', 1, '<!DOCTYPE> declarations are not allowed'],
    ['<a>\n<!ENTITY e "x">\n</a>', 2, '<!ENTITY> declarations are not allowed'],
    ['<a>&e;</a>', 1, 'unknown entity &e;'],
    ['<a>\n<b>\n</a>', 3, 'closing tag </a> does not match <b> opened on line 2'],
    ['<a>\n<b>', 2, '<b> opened on line 2 is never closed'],
    ['<a x=1/>', 1, 'the value of x must be in quotes'],
    ['<a x="1" x="2"/>', 1, 'attribute x appears twice'],
    ['<a/><b/>', 1, 'a second root element <b>'],
    ['hello', 1, 'this is not XML'],
    ['', 1, 'the file has no XML element'],
    ['<a>&#0;</a>', 1, 'not a valid character'],
    ['<a>fish & chips</a>', 1, '"&" must be written as "&amp;"'],
    ['<a>\n<!-- never closed\n</a>', 2, 'a comment is never closed'],
  ])('refuses %j at line %i', (text, line, message) => {
    const error = syntaxError(text);
    expect(error.line).toBe(line);
    expect(error.message).toContain(message);
  });

  it('does not expand anything: a billion-laughs document is refused before any entity is read', () => {
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n')}\n]>\n<lolz>&lol9;</lolz>`;
    expect(syntaxError(laughs).line).toBe(2);
  });
});

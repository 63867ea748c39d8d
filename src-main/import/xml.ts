// A small, strict XML reader for libvirt's network files: elements, attributes,
// text, comments, CDATA and the XML declaration. Document type declarations and
// entity definitions are refused outright, so no input can expand entities or
// reach outside the file; only the five predefined entities and character
// references are decoded. Every element remembers its line for error messages.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class Reader {
  pos = 0;
  line = 1;
  constructor(readonly text: string) {}

  fail(message: string, line = this.line): never {
    throw new XmlSyntaxError(line, message);
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  advance(n: number): void {
    for (let i = 0; i < n; i++) if (this.text.charCodeAt(this.pos + i) === 10) this.line++;
    this.pos += n;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.advance(1);
  }

  /** Skips up to and including `end`; fails when the file ends first. */
  skipPast(end: string, what: string): string {
    const start = this.pos;
    const startLine = this.line;
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) this.fail(`${what} is never closed (missing "${end}")`, startLine);
    this.advance(at - this.pos + end.length);
    return this.text.slice(start, at);
  }

  name(what: string): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.text);
    if (!match) this.fail(`expected ${what}, found ${this.describeHere()}`);
    this.advance(match[0].length);
    return match[0];
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the file';
    return `"${this.text.slice(this.pos, this.pos + 10).replace(/\s+/g, ' ')}"`;
  }

  decode(raw: string, line: number): string {
    return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) this.fail(`"&" must be written as "&amp;"`, line);
      if (ref in PREDEFINED) return PREDEFINED[ref]!;
      const numeric = /^#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7})$/.exec(ref);
      if (numeric) {
        const code = numeric[1]!.startsWith('x') ? parseInt(numeric[1]!.slice(1), 16) : Number(numeric[1]);
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
          this.fail(`character reference &${ref}; is not a valid character`, line);
        return String.fromCodePoint(code);
      }
      return this.fail(`unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`, line);
    });
  }
}

/** Parses one XML document and returns its root element. */
export function parseXml(text: string): XmlElement {
  const r: Reader = new Reader(text.startsWith('\ufeff') ? text.slice(1) : text);
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];

  while (r.pos < r.text.length) {
    if (r.startsWith('<!--')) {
      r.advance(4);
      const body = r.skipPast('-->', 'a comment');
      if (body.includes('--')) r.fail('"--" is not allowed inside a comment');
      continue;
    }
    if (r.startsWith('<![CDATA[')) {
      if (stack.length === 0) r.fail('text outside the root element');
      r.advance(9);
      stack[stack.length - 1]!.text += r.skipPast(']]>', 'a CDATA section');
      continue;
    }
    if (r.startsWith('<!')) {
      // <!DOCTYPE …> and <!ENTITY …> could define entities (the "billion laughs" and
      // external-entity attacks); libvirt never writes them, so they are refused.
      const what = /^<!([A-Za-z]*)/.exec(r.text.slice(r.pos))![1] || 'declaration';
      r.fail(`<!${what}> declarations are not allowed (no DOCTYPE or entities in a network file)`);
    }
    if (r.startsWith('<?')) {
      const line = r.line;
      r.advance(2);
      const target = r.name('a processing instruction name');
      if (target.toLowerCase() === 'xml' && (root || stack.length > 0 || line !== 1)) r.fail('the XML declaration must come first', line);
      r.skipPast('?>', 'a processing instruction');
      continue;
    }
    if (r.startsWith('</')) {
      const line = r.line;
      r.advance(2);
      const name = r.name('a closing tag name');
      r.skipSpace();
      if (!r.startsWith('>')) r.fail(`expected ">" to end </${name}, found ${r.describeHere()}`);
      r.advance(1);
      const open = stack.pop();
      if (!open) r.fail(`closing tag </${name}> has no opening tag`, line);
      if (open.name !== name) r.fail(`closing tag </${name}> does not match <${open.name}> opened on line ${open.line}`, line);
      continue;
    }
    if (r.startsWith('<')) {
      const line = r.line;
      r.advance(1);
      const element: XmlElement = { name: r.name('an element name'), attributes: {}, children: [], text: '', line };
      for (;;) {
        const hadSpace = r.pos < r.text.length && /\s/.test(r.text[r.pos]!);
        r.skipSpace();
        if (r.startsWith('/>') || r.startsWith('>')) break;
        if (r.pos >= r.text.length) r.fail(`<${element.name}> is never closed`, line);
        if (!hadSpace) r.fail(`expected a space between attributes, found ${r.describeHere()}`);
        const attrLine = r.line;
        const attr = r.name('an attribute name');
        r.skipSpace();
        if (!r.startsWith('=')) r.fail(`attribute ${attr} has no value (expected ${attr}="…")`);
        r.advance(1);
        r.skipSpace();
        const quote = r.text[r.pos];
        if (quote !== '"' && quote !== "'") r.fail(`the value of ${attr} must be in quotes`);
        r.advance(1);
        const raw = r.skipPast(quote, `the value of ${attr}`);
        if (raw.includes('<')) r.fail(`the value of ${attr} contains "<"`, attrLine);
        if (attr in element.attributes) r.fail(`attribute ${attr} appears twice on <${element.name}>`, attrLine);
        element.attributes[attr] = r.decode(raw, attrLine);
      }
      const selfClosing = r.startsWith('/>');
      r.advance(selfClosing ? 2 : 1);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) r.fail(`a second root element <${element.name}>; a file holds one document`, line);
      else root = element;
      if (!selfClosing) stack.push(element);
      continue;
    }
    // Text between tags.
    const next = r.text.indexOf('<', r.pos);
    const end = next < 0 ? r.text.length : next;
    const line = r.line;
    const raw = r.text.slice(r.pos, end);
    r.advance(end - r.pos);
    if (stack.length === 0) {
      if (raw.trim() !== '') r.fail(root ? 'text after the root element' : 'this is not XML (text before the first element)', line);
      continue;
    }
    if (raw.includes('>') && raw.includes(']]>')) r.fail('"]]>" is not allowed in text', line);
    stack[stack.length - 1]!.text += r.decode(raw, line);
  }
  if (stack.length > 0) r.fail(`<${stack[stack.length - 1]!.name}> opened on line ${stack[stack.length - 1]!.line} is never closed`);
  if (!root) r.fail('the file has no XML element', 1);
  return root;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

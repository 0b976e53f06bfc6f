import { AppError } from '../../errors.js';

/**
 * A small streaming scanner for the XML of a workbook's parts: it reports
 * element starts, ends and text, nothing else (no DTDs, no namespaces beyond
 * dropping prefixes). Office Open XML needs no more, and a scanner this small
 * keeps memory bounded by the longest tag or text run, which it limits.
 */
export interface XmlHandler {
  open(name: string, attributes: string): void;
  close(name: string): void;
  /** Text between tags, entities decoded. */
  text(value: string): void;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[name] ?? whole;
  });
}

/** The attributes of a tag as a map, prefixes dropped (`r:id` is `id`), values decoded. */
export function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = match[1]!;
    attributes.set(name.slice(name.indexOf(':') + 1), decodeEntities(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

export class XmlScanner {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly handler: XmlHandler,
    /** The longest tag or text run accepted; cells hold at most 32,767 characters in Excel. */
    private readonly maxToken = 1024 * 1024,
  ) {}

  write(chunk: Buffer): void {
    this.scan(this.rest + this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    this.scan(this.rest + this.decoder.decode());
  }

  private scan(buffer: string): void {
    const { handler } = this;
    let position = 0;
    for (;;) {
      const lt = buffer.indexOf('<', position);
      if (lt < 0) break;
      if (lt > position) handler.text(decodeEntities(buffer.slice(position, lt)));
      position = lt;
      if (buffer.charCodeAt(lt + 1) === 0x21 /* ! */) {
        if (buffer.length < lt + 9) break;
        const cdata = buffer.startsWith('<![CDATA[', lt);
        const close = cdata ? ']]>' : buffer.startsWith('<!--', lt) ? '-->' : '>';
        const end = buffer.indexOf(close, lt + 2);
        if (end < 0) break;
        if (cdata) handler.text(buffer.slice(lt + 9, end));
        position = end + close.length;
        continue;
      }
      const gt = buffer.indexOf('>', lt + 1);
      if (gt < 0) break;
      position = gt + 1;
      const tag = buffer.slice(lt + 1, gt);
      if (tag.startsWith('?')) continue;
      if (tag.startsWith('/')) {
        handler.close(localName(tag.slice(1).trim()));
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const space = body.search(/\s/);
      const name = localName(space < 0 ? body : body.slice(0, space));
      handler.open(name, space < 0 ? '' : body.slice(space));
      if (selfClosing) handler.close(name);
    }
    this.rest = buffer.slice(position);
    if (this.rest.length > this.maxToken) {
      throw new AppError(
        'unprocessable',
        `The workbook holds a cell or tag longer than ${this.maxToken} characters, the most that is read.`,
        {
          limit: 'xlsxCellCharacters',
          max: this.maxToken,
        },
      );
    }
  }
}

/** Scans a whole (small) part at once. */
export function scanXml(bytes: Buffer, handler: XmlHandler): void {
  const scanner = new XmlScanner(handler);
  scanner.write(bytes);
  scanner.end();
}

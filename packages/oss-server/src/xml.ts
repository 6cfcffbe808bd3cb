import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Errors, OssError } from './oss-error.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | undefined;
export interface XmlNode {
  [element: string]: XmlValue;
}

/** Serialises `{ Root: { A: 1, B: [{ C: 'x' }, { C: 'y' }] } }`; arrays repeat their element, undefined is left out. */
export function toXml(document: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(document)}`;
}

function render(node: XmlNode): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) out += element(name, value);
  return out;
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (typeof value === 'object') return `<${name}>${render(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (tag) => tag === 'Part' || tag === 'Object',
});

/** Parses a request body; anything that is not well-formed XML with the expected root is MalformedXML. */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') throw Errors.malformedXml(`the request body is empty; <${root}> was expected`);
  // No DTDs: no entities to expand (OSS's bodies never need one).
  if (/<!DOCTYPE/i.test(text)) throw Errors.malformedXml('a DOCTYPE is not allowed in a request body');
  let doc: Record<string, unknown>;
  try {
    const verdict = XMLValidator.validate(text);
    if (verdict !== true) throw Errors.malformedXml(`malformed XML at line ${verdict.err.line}: ${verdict.err.msg}`);
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    // The parser's own limits (nesting, entities, sizes) are the client's error, never a 500 to retry.
    if (error instanceof OssError) throw error;
    throw Errors.malformedXml(`the XML could not be read: ${(error as Error).message}`);
  }
  const rootNode = doc[root];
  if (rootNode === undefined) throw Errors.malformedXml(`the root element must be <${root}>`);
  return typeof rootNode === 'object' && rootNode !== null ? (rootNode as Record<string, unknown>) : {};
}

/**
 * A time as OSS's XML gives it: ISO 8601 at whole seconds (`2012-02-24T08:42:32.000Z` in OSS's own
 * samples), the precision of Last-Modified on HEAD and GET, so a listing and a HEAD of one object agree.
 */
export function ossIsoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

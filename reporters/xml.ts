// XML documents and HTML fragments built from plain objects with fast-xml-parser's builder: it
// escapes every text and attribute value, and costs a fraction of a DOM builder for the thousands of
// nodes a run's JUnit and HTML report hold (namespace lookups per attribute dominated before).
import { XMLBuilder } from 'fast-xml-parser';
import { cleanText } from './sanitize.js';

export type XmlScalar = string | number;
/** An element: attributes (see `attrs`), `#text`, and child elements (an array repeats the element). */
export interface XmlElement {
  [key: string]: XmlScalar | XmlElement | XmlElement[] | undefined;
}

const ATTRIBUTE = '@_';
const options = { ignoreAttributes: false, attributeNamePrefix: ATTRIBUTE, textNodeName: '#text' } as const;
const documentBuilder = new XMLBuilder({ ...options, format: true, indentBy: '  ', suppressEmptyNode: true });
// HTML has no self-closing <td/>: empty elements keep their end tag.
const fragmentBuilder = new XMLBuilder({ ...options, suppressEmptyNode: false });

/** Attributes for an element, every string cleaned of what XML 1.0 forbids. */
export function attrs(values: Record<string, XmlScalar | undefined>): XmlElement {
  const element: XmlElement = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) element[ATTRIBUTE + name] = typeof value === 'string' ? cleanText(value) : value;
  }
  return element;
}

/** An element with attributes and text content. */
export function textElement(attributes: Record<string, XmlScalar | undefined>, text: string): XmlElement {
  return { ...attrs(attributes), '#text': cleanText(text) };
}

/** A whole XML document with its declaration, indented. */
export function xmlDocument(rootName: string, root: XmlElement): string {
  return documentBuilder.build({ '?xml': attrs({ version: '1.0', encoding: 'UTF-8' }), [rootName]: root }).trimEnd();
}

/** A fragment to embed in an HTML page. */
export function htmlFragment(rootName: string, root: XmlElement): string {
  return fragmentBuilder.build({ [rootName]: root });
}

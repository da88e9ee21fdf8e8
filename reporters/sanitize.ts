// Text that goes into XML/logs: ANSI escapes removed, characters XML 1.0 forbids removed (Go's
// encoding/xml, which testgrid uses, rejects them raw and as character references).
import { stripVTControlCharacters } from 'node:util';

// Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; lone surrogates are not.
const XML_INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function cleanText(text: string): string {
  return stripVTControlCharacters(text).replace(XML_INVALID, '');
}

/**
 * Testgrid shows 140 characters of a failure message (first 70 + last 70). We keep the key point by
 * cutting at the end instead, with an ellipsis, so the cell reads as the start of the message.
 */
export function shortMessage(text: string, limit = 140): string {
  const oneLine = cleanText(text).replace(/\s+/g, ' ').trim();
  return oneLine.length <= limit ? oneLine : `${oneLine.slice(0, limit - 1)}…`;
}

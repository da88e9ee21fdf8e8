// The family of an address, as node:net's isIP answers it for the addresses a CNI config carries
// (no zone ids): here so a plugin start does not load node:net and the stream modules behind it.

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** 4 or 6 for an IPv4 or IPv6 address, 0 for anything else. */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return text.split('.').every((part) => Number(part) <= 255 && (part === '0' || !part.startsWith('0'))) ? 4 : 0;
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return 0;
  // The URL parser (loaded with Node itself) validates IPv6 literals; the characters are checked above.
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

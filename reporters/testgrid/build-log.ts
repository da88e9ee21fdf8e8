// build-log.txt is read by people in Prow/Spyglass, which do not render terminal colours.
import { stripVTControlCharacters } from 'node:util';

export function plainBuildLog(log: string): string {
  const plain = stripVTControlCharacters(log).replace(/\r\n?/g, '\n');
  return plain.endsWith('\n') || plain === '' ? plain : `${plain}\n`;
}

// What a simulated container sharing a namespace with the node (host network, host IPC) sees of
// the real node, read from the node's /proc; and the seccomp profiles (Localhost: a JSON file on
// the node) whose denied system calls simulated commands honour.
import { readFileSync } from 'node:fs';

/** "0100007F:1F90" (little-endian IPv4) or 32 hex digits (IPv6, four little-endian words) -> "127.0.0.1:8080". */
function socketAddress(hex: string): string {
  const [address = '', port = '0'] = hex.split(':');
  const portNumber = Number.parseInt(port, 16);
  if (address.length === 8) {
    const bytes = address.match(/../g)!.map((b) => Number.parseInt(b, 16)).reverse();
    return `${bytes.join('.')}:${portNumber}`;
  }
  const words = address.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/.{4}/g)!.map((g) => Number.parseInt(g, 16).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]:${portNumber}`;
}

/** `netstat -ln` lines for the TCP sockets the node listens on. */
export function nodeListeningSockets(): string[] {
  const lines: string[] = [];
  for (const [file, proto] of [['/proc/net/tcp', 'tcp'], ['/proc/net/tcp6', 'tcp6']] as const) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of table.split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      // State 0A is TCP_LISTEN.
      if (fields[3] === '0A' && fields[1]) lines.push(`${proto}        0      0 ${socketAddress(fields[1]).padEnd(23)} ${proto === 'tcp' ? '0.0.0.0:*' : ':::*'}               LISTEN`);
    }
  }
  return lines;
}

/** `ipcs -m` lines for the node's System V shared memory segments. */
export function nodeSharedMemory(): string[] {
  let table = '';
  try {
    table = readFileSync('/proc/sysvipc/shm', 'utf8');
  } catch {
    return [];
  }
  return table
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields.length > 7)
    .map(([key = '0', shmid = '', perms = '', size = '', , , nattch = '']) => `0x${(Number(key) >>> 0).toString(16).padStart(8, '0')} ${shmid.padEnd(10)} root       ${perms.padEnd(10)} ${size.padEnd(10)} ${nattch}`);
}

interface SeccompProfile {
  defaultAction?: string;
  syscalls?: Array<{ names?: string[]; name?: string; action?: string }>;
}

/**
 * The system calls a Localhost seccomp profile makes fail (SCMP_ACT_ERRNO): the listed ones, or, with
 * a failing default action, every call not listed as allowed (`allowed` then names those).
 * Throws for an unreadable or malformed profile (CreateContainer then fails, as runc's loading would).
 */
export function loadSeccompProfile(path: string): { denied: ReadonlySet<string>; allowed?: ReadonlySet<string> } {
  let profile: SeccompProfile;
  try {
    profile = JSON.parse(readFileSync(path, 'utf8')) as SeccompProfile;
  } catch (error) {
    throw new Error(`seccomp profile ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
  const named = (action: (a: string) => boolean) => new Set((profile.syscalls ?? []).filter((s) => action(s.action ?? '')).flatMap((s) => [...(s.names ?? []), ...(s.name ? [s.name] : [])]));
  const denied = named((a) => a.startsWith('SCMP_ACT_ERRNO') || a === 'SCMP_ACT_KILL' || a === 'SCMP_ACT_KILL_PROCESS');
  if ((profile.defaultAction ?? 'SCMP_ACT_ALLOW') === 'SCMP_ACT_ALLOW') return { denied };
  return { denied, allowed: named((a) => a === 'SCMP_ACT_ALLOW') };
}

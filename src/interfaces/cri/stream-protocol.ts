// The Kubernetes streaming sub-protocol over WebSocket that CRI streaming servers speak for
// Exec, Attach and PortForward ("v4.channel.k8s.io"): every binary message starts with one
// byte naming its channel. Shared by the suite's client and the reference's server.

export const CHANNEL_PROTOCOL = 'v4.channel.k8s.io';
/** v5 adds one message to v4: [255, channel] closes that stream (the client's way to end stdin). */
export const CHANNEL_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const CLOSE_SIGNAL = 255;

/** Channel numbers of remote command (exec, attach). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

/** The status object written on the error channel when a v4 remote command ends. */
export interface RemoteCommandStatus {
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

export function frame(channel: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function successStatus(): RemoteCommandStatus {
  return { status: 'Success' };
}

/** How Kubernetes reports a non-zero exit code of a streamed command. */
export function exitStatus(exitCode: number): RemoteCommandStatus {
  if (exitCode === 0) return successStatus();
  return {
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: ${exitCode}`,
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Exit code from a status (undefined when the status is a failure without one). */
export function exitCodeOf(status: RemoteCommandStatus): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message !== undefined ? Number(cause.message) : undefined;
}

/** Port-forward: each forwarded port i has data channel 2i and error channel 2i+1; both open with the port number (uint16 LE). */
export function portHeader(port: number): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16LE(port);
  return header;
}

/** http(s):// streaming URL as returned by the runtime -> ws(s):// URL to dial. */
export function toWebSocketUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

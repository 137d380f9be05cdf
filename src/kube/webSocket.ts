// The WebSocket that client-node's Exec and PortForward resolve to, as far as we use it: closed at once
// (terminate, no close handshake) when the command or the forward is done or abandoned.

export interface ClientSocket {
  close(): void;
  terminate?(): void;
  on?(event: 'close', listener: () => void): void;
}

export function closeSocket(socket: ClientSocket | undefined): void {
  if (!socket) return;
  try {
    if (socket.terminate) socket.terminate();
    else socket.close();
  } catch {
    // already closed
  }
}

import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The idle clock guards against silent clients, not against our own work: a long analysis or
 * export sends nothing until it is done, so a socket whose request is being worked on is not cut
 * when its clock runs out. The clock itself is Node's (the server's timeout, refreshed by every
 * read and write), so a request costs a set insertion and removal instead of stopping and
 * restarting a timer: the first write of the response restarts a clock that ran out meanwhile,
 * and a client that stops reading is still cut.
 */
export class IdleClock {
  readonly #working = new WeakSet<Socket>();

  constructor(server: Server) {
    // With a listener, Node leaves the socket to it instead of destroying it.
    server.on('timeout', (socket: Socket) => {
      if (!this.#working.has(socket)) socket.destroy();
    });
  }

  /** The request is in: its socket stays open however long the work takes. */
  working(socket: Socket | undefined): void {
    if (socket !== undefined) this.#working.add(socket);
  }

  /** The response starts: the socket is idle again once its clock runs out. */
  responding(socket: Socket | undefined): void {
    if (socket !== undefined) this.#working.delete(socket);
  }
}

import type { Socket } from 'node:net';
import { type Event, MAX_MESSAGE_TO_BROWSER, MAX_REQUEST_BYTES, type Message, errorReply } from '../../../shared/protocol';
import { encodeFrame } from '../framing/encode';
import { type Decoded, FrameDecoder } from '../framing/decoder';

/** A client that stopped reading is dropped rather than buffered without end. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

let nextId = 1;

/** One client of the daemon (a browser's bridge, the CLI), speaking frames over the socket. */
export class Connection {
  readonly id = nextId++;
  subscribed = false;
  client = 'unknown';
  private readonly decoder = new FrameDecoder(MAX_REQUEST_BYTES);

  constructor(
    readonly socket: Socket,
    private readonly onFrame: (conn: Connection, decoded: Decoded) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const decoded of this.decoder.push(chunk)) this.onFrame(this, decoded);
    });
    socket.on('error', () => socket.destroy());
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  send(message: Message | Event): void {
    if (!this.open) return;
    let frame = encodeFrame(message);
    if (frame.length - 4 > MAX_MESSAGE_TO_BROWSER) {
      // Never happens by design (lists are paged); if it does, the client learns why.
      const id = 'id' in message ? message.id : null;
      frame = encodeFrame(errorReply(id, new Error(`Reply of ${frame.length - 4} bytes is over the 1 MiB message limit`)));
    }
    if (this.socket.writableLength > MAX_BACKLOG_BYTES) {
      this.socket.destroy(new Error('client is not reading its messages'));
      return;
    }
    this.socket.write(frame);
  }
}

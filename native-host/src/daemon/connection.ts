import type { Socket } from 'node:net';
import { type Event, MAX_MESSAGE_TO_BROWSER, MAX_REQUEST_BYTES, type Message, errorReply } from '../../../shared/protocol';
import { type Decoded, FrameDecoder } from '../framing/decoder';
import { encodeFrame } from '../framing/encode';

/** A client that stopped reading its events is dropped rather than buffered without end. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
/** Requests of one client being answered at once; more wait their turn. */
const MAX_IN_FLIGHT = 16;
/** Replies waiting in the socket before the next request is taken up. */
const REPLY_HIGH_WATER = 1024 * 1024;
/** Requests read but not taken up yet, before the socket stops being read. */
const MAX_WAITING = 256;

let nextId = 1;

/**
 * One client of the daemon (a browser's bridge, the CLI), speaking frames over the socket.
 * Flow control: a request is taken up only while few are in flight and the replies already
 * written have been read; otherwise the socket stops being read. A client that sends
 * requests without reading the answers costs the daemon a bounded amount of memory.
 */
export class Connection {
  readonly id = nextId++;
  subscribed = false;
  client = 'unknown';
  private readonly decoder = new FrameDecoder(MAX_REQUEST_BYTES);
  private readonly waiting: Decoded[] = [];
  private inFlight = 0;
  private waitingForDrain = false;

  constructor(
    readonly socket: Socket,
    private readonly handle: (conn: Connection, decoded: Decoded) => Promise<void>,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const decoded of this.decoder.push(chunk)) this.waiting.push(decoded);
      this.takeUp();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.waiting.length = 0;
    });
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

  private takeUp(): void {
    while (this.open && this.waiting.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      if (this.socket.writableLength > REPLY_HIGH_WATER) {
        if (!this.waitingForDrain) {
          this.waitingForDrain = true;
          this.socket.once('drain', () => {
            this.waitingForDrain = false;
            this.takeUp();
          });
        }
        break;
      }
      const decoded = this.waiting.shift()!;
      this.inFlight++;
      void this.handle(this, decoded).finally(() => {
        this.inFlight--;
        this.takeUp();
      });
    }
    if (!this.open) return;
    if (this.waiting.length > MAX_WAITING) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
  }
}

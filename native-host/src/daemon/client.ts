import { EventEmitter } from 'node:events';
import { type Socket, connect } from 'node:net';
import { VidQueueError } from '../../../shared/errors';
import { PROTOCOL_VERSION } from '../../../shared/limits';
import type { Event, Message, ParamsOf, RequestType, ResultOf } from '../../../shared/protocol';
import { encodeFrame } from '../framing/encode';
import { FrameDecoder, decodeJson } from '../framing/decoder';

/** Connects to the socket once; rejects with the socket error (ENOENT, ECONNREFUSED…). */
export function connectSocket(path: string, timeoutMs = 2000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`connect to ${path} timed out`), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * A typed client of the daemon: request/reply by id, and events. Used by the CLI and
 * the tests; the browser bridge relays frames without it.
 */
export class DaemonClient extends EventEmitter<{ event: [Event]; close: [] }> {
  private nextId = 1;
  private closed = false;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: Socket) {
    super();
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      for (const d of decoder.push(chunk)) {
        if (d.kind !== 'frame') continue;
        const json = decodeJson(d.body);
        if (json.ok) this.dispatch(json.value as Message);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      const err = new VidQueueError('DAEMON_UNAVAILABLE', 'The connection to the daemon closed');
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.emit('close');
    });
    socket.on('error', () => {});
  }

  static async connect(socketPath: string, client = 'cli'): Promise<DaemonClient> {
    return DaemonClient.fromSocket(await connectSocket(socketPath), client);
  }

  /** Wraps a connected socket and says hello: only an answered hello proves a live daemon. */
  static async fromSocket(socket: Socket, client = 'cli'): Promise<DaemonClient> {
    const c = new DaemonClient(socket);
    try {
      await c.request('hello', { protocolVersion: PROTOCOL_VERSION, client });
    } catch (err) {
      c.destroy();
      throw err;
    }
    return c;
  }

  /** A request after the connection closed rejects at once: nothing would ever answer it. */
  request<T extends RequestType>(type: T, params: ParamsOf<T>): Promise<ResultOf[T]> {
    if (this.closed || this.socket.destroyed || !this.socket.writable) {
      return Promise.reject(new VidQueueError('DAEMON_UNAVAILABLE', `The connection to the daemon is closed; ${type} was not sent`));
    }
    const id = this.nextId++;
    return new Promise<ResultOf[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(encodeFrame({ id, type, params }));
    });
  }

  /** Sends raw bytes: for tests of malformed input. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private dispatch(msg: Message): void {
    if ('event' in msg) {
      this.emit('event', msg);
      return;
    }
    const waiter = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!waiter) {
      this.emit('event', { event: 'unmatched-reply', data: msg } as unknown as Event);
      return;
    }
    this.pending.delete(msg.id as number);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new VidQueueError(msg.error.code, msg.error.message, msg.error.field, msg.error.detail));
  }
}

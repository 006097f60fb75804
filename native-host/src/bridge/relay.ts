/**
 * The bridge's state, and every decision it makes, with no I/O: what to send the daemon,
 * what to answer the browser, when to connect. `host.ts` performs the actions.
 *
 * Rules it keeps:
 * - every request from the browser gets exactly one reply;
 * - a request answered with an error is never carried out later (a request waiting for
 *   a daemon that could not be reached is answered and dropped, not kept);
 * - the daemon only ever sees the bridge's own ids (1, 2, 3…), so no id a client picks
 *   can collide with the bridge's own requests: replies are mapped back to the client's id.
 */
import { type RequestId, checkEnvelope } from '../../../shared/envelope';
import type { ErrorReply } from '../../../shared/protocol';

type ClientMessage = { id: RequestId; type: string; params?: unknown };

export type RelayAction =
  /** Encode and write to the browser. */
  | { kind: 'to-browser'; message: object }
  /** Write this frame body to the browser as it is (events: no need to re-encode them). */
  | { kind: 'relay-to-browser'; body: Buffer }
  | { kind: 'to-daemon'; message: { id: number; type: string; params?: unknown } }
  /** Start connecting, unless a connection is being made already. */
  | { kind: 'connect' }
  /** Run the doctor's checks and answer `id` (the bridge answers doctor itself). */
  | { kind: 'doctor'; id: RequestId };

type Sent = { client: RequestId } | { internal: 'subscribe' };

const unavailable = (id: RequestId, message: string): RelayAction => ({
  kind: 'to-browser',
  message: { id, ok: false, error: { code: 'DAEMON_UNAVAILABLE', message } } satisfies ErrorReply,
});

export class RelayState {
  private connected = false;
  private everConnected = false;
  private subscribed = false;
  /** The daemon said it is stopping: a closed connection then is no crash. */
  private stoppingSaid = false;
  private nextId = 1;
  /** Sent to the daemon, not answered yet, by the bridge's id. */
  private readonly inflight = new Map<number, Sent>();
  /** Waiting for a connection. */
  private backlog: ClientMessage[] = [];

  /** Requests not answered yet: the bridge waits a moment for them when stdin ends. */
  get unanswered(): number {
    return [...this.inflight.values()].filter((s) => 'client' in s).length + this.backlog.length;
  }

  /** A JSON value from the browser (framing errors are answered before this). */
  fromBrowser(value: unknown, maxBytes: number): RelayAction[] {
    const env = checkEnvelope(value);
    if (!env.ok) return [{ kind: 'to-browser', message: { id: env.id, ok: false, error: env.error } satisfies ErrorReply }];
    // Answered by the bridge itself: the report matters most when the daemon is broken.
    if (env.type === 'doctor') return [{ kind: 'doctor', id: env.id }];
    const message: ClientMessage = env.params === undefined ? { id: env.id, type: env.type } : { id: env.id, type: env.type, params: env.params };
    // Re-encoded with the bridge's id, a message may grow a little (1e2 → 100): never past the daemon's limit.
    const size = Buffer.byteLength(JSON.stringify({ ...message, id: Number.MAX_SAFE_INTEGER }));
    if (size > maxBytes) {
      return [
        {
          kind: 'to-browser',
          message: {
            id: env.id,
            ok: false,
            error: { code: 'FRAME_TOO_LARGE', message: `Message of ${size} bytes refused: the limit is ${maxBytes} bytes` },
          } satisfies ErrorReply,
        },
      ];
    }
    if (env.type === 'subscribe') this.subscribed = true;
    if (this.connected) return [this.send(message)];
    this.backlog.push(message);
    return [{ kind: 'connect' }];
  }

  /** The daemon answered the bridge's hello on a new connection. */
  attached(): RelayAction[] {
    this.connected = true;
    this.stoppingSaid = false;
    const actions: RelayAction[] = [];
    if (this.everConnected) {
      // A new daemon: restore the subscription, and tell the views to fetch again.
      if (this.subscribed) actions.push(this.sendInternal('subscribe'));
      actions.push({ kind: 'to-browser', message: { event: 'daemon.reconnected', data: {} } });
    }
    this.everConnected = true;
    for (const m of this.backlog.splice(0)) actions.push(this.send(m));
    return actions;
  }

  /**
   * No daemon could be reached. What waited for one is answered now, and dropped: it must
   * not run later. The bridge keeps trying only if the browser is subscribed to events.
   */
  connectFailed(reason: string): { actions: RelayAction[]; retry: boolean } {
    const actions = this.backlog.splice(0).map((m) => unavailable(m.id, `Could not reach the VidQueue daemon: ${reason}. Nothing was done; try again.`));
    return { actions, retry: this.subscribed && !this.stoppingSaid };
  }

  /** The connection closed. A crash starts a new daemon now; a clean stop waits to be asked. */
  closed(): RelayAction[] {
    this.connected = false;
    const actions: RelayAction[] = [];
    for (const [bridgeId, sent] of this.inflight) {
      if ('client' in sent) {
        actions.push(unavailable(sent.client, 'The VidQueue daemon stopped before it answered; check the queue before sending the request again'));
      }
      this.inflight.delete(bridgeId);
    }
    if (!this.stoppingSaid && this.subscribed) actions.push({ kind: 'connect' });
    return actions;
  }

  /** A frame from the daemon: `value` is its decoded JSON, `body` the bytes as they came. */
  fromDaemon(value: unknown, body: Buffer, maxToBrowser: number): RelayAction[] {
    if (typeof value !== 'object' || value === null) return [];
    const msg = value as { id?: unknown; event?: unknown };
    if (msg.id === undefined) {
      if (msg.event === 'daemon.stopping') this.stoppingSaid = true;
      if (body.length > maxToBrowser) return [];
      return [{ kind: 'relay-to-browser', body }];
    }
    const sent = typeof msg.id === 'number' ? this.inflight.get(msg.id) : undefined;
    if (!sent) return [];
    this.inflight.delete(msg.id as number);
    if ('internal' in sent) return [];
    if (body.length > maxToBrowser) {
      return [
        {
          kind: 'to-browser',
          message: {
            id: sent.client,
            ok: false,
            error: { code: 'INTERNAL', message: `A reply of ${body.length} bytes is over the 1 MiB native messaging limit` },
          } satisfies ErrorReply,
        },
      ];
    }
    return [{ kind: 'to-browser', message: { ...(value as object), id: sent.client } }];
  }

  private send(m: ClientMessage): RelayAction {
    const id = this.nextId++;
    this.inflight.set(id, { client: m.id });
    return { kind: 'to-daemon', message: { ...m, id } };
  }

  private sendInternal(type: 'subscribe'): RelayAction {
    const id = this.nextId++;
    this.inflight.set(id, { internal: type });
    return { kind: 'to-daemon', message: { id, type, params: {} } };
  }
}

import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_MESSAGE_TO_BROWSER, MAX_REQUEST_BYTES, PROTOCOL_VERSION } from '../../../shared/limits';
import type { ErrorReply, Event } from '../../../shared/protocol';
import { HEADER_BYTES, encodeFrame, writeLength } from '../framing/encode';
import { FrameDecoder, decodeJson } from '../framing/decoder';
import type { Logger } from '../log';
import type { Paths } from '../paths';
import { connectOrStart } from '../daemon/spawn';

export interface HostOptions {
  paths: Paths;
  cliPath: string;
  log: Logger;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  exit?: (code: number) => void;
}

const BRIDGE_ID_PREFIX = 'vidqueue-bridge:';

/** Sends the bridge's own hello and waits for its answer; the decoder goes on to relay the rest. */
function handshake(s: Socket, timeoutMs = 3000): Promise<FrameDecoder> {
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      s.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no answer to hello in ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const d of decoder.push(chunk)) {
        if (d.kind !== 'frame') continue;
        const json = decodeJson(d.body);
        const msg = json.ok ? (json.value as { id?: unknown; ok?: boolean; error?: { message: string } }) : null;
        if (msg?.id !== `${BRIDGE_ID_PREFIX}hello`) continue;
        cleanup();
        if (msg.ok) resolve(decoder);
        else {
          s.destroy();
          reject(new Error(msg.error?.message ?? 'hello refused'));
        }
        return;
      }
    };
    const onClose = () => fail('the daemon closed the connection during the handshake');
    const cleanup = () => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      s.off('error', onClose);
    };
    s.on('data', onData);
    s.on('close', onClose);
    s.on('error', onClose);
    s.write(encodeFrame({ id: `${BRIDGE_ID_PREFIX}hello`, type: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'bridge' } }));
  });
}

/**
 * `vidqueue host`: what the browser starts. A relay between the browser's stdio
 * (native-messaging frames) and the user's daemon, which it starts when needed. It owns
 * nothing: when stdin ends it goes away within a second, and the downloads go on.
 */
export function runHost(o: HostOptions): void {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const { log } = o;

  const toBrowser = (message: ErrorReply | Event) => stdout.write(encodeFrame(message));
  const fromBrowser = new FrameDecoder(MAX_REQUEST_BYTES);
  const pending = new Set<string | number>();
  const backlog: Buffer[] = [];
  let socket: Socket | null = null;
  let connecting: Promise<void> | null = null;
  let subscribed = false;
  let daemonSaidStopping = false;
  let everConnected = false;
  let closing = false;

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      let delay = 50;
      for (;;) {
        try {
          const s = await connectOrStart(o.paths, o.cliPath);
          // A dying daemon can still accept a connection for an instant: only an answered hello counts.
          const fromDaemon = await handshake(s);
          attach(s, fromDaemon);
          return;
        } catch (err) {
          log.warn('could not reach the daemon', err);
          failPending(`Could not reach the VidQueue daemon: ${(err as Error).message}`);
          if (closing) return;
          await sleep(delay);
          delay = Math.min(delay * 2, 5000);
        }
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  const attach = (s: Socket, fromDaemon: FrameDecoder) => {
    socket = s;
    daemonSaidStopping = false;
    s.on('data', (chunk: Buffer) => {
      for (const d of fromDaemon.push(chunk)) if (d.kind === 'frame') relayToBrowser(d.body);
    });
    s.on('error', (err) => log.warn('daemon connection error', err));
    s.on('close', () => {
      if (socket !== s) return;
      socket = null;
      failPending('The VidQueue daemon went away before it answered; send the request again');
      if (closing) return;
      // A crash: start a new daemon now (it recovers the queue). A clean stop: wait to be asked.
      if (!daemonSaidStopping) void connect();
    });
    if (everConnected) {
      // A new daemon: restore the subscription, and tell the views to fetch again.
      if (subscribed) s.write(encodeFrame({ id: `${BRIDGE_ID_PREFIX}subscribe`, type: 'subscribe', params: {} }));
      toBrowser({ event: 'daemon.reconnected', data: {} });
    }
    everConnected = true;
    for (const frame of backlog.splice(0)) s.write(frame);
  };

  const relayToBrowser = (body: Buffer) => {
    const json = decodeJson(body);
    if (json.ok && json.value && typeof json.value === 'object') {
      const msg = json.value as { id?: unknown; event?: unknown };
      if (typeof msg.id === 'string' && msg.id.startsWith(BRIDGE_ID_PREFIX)) return;
      if (msg.id !== undefined) pending.delete(msg.id as string | number);
      if (msg.event === 'daemon.stopping') daemonSaidStopping = true;
    }
    if (body.length > MAX_MESSAGE_TO_BROWSER) {
      const id = json.ok ? ((json.value as { id?: string | number }).id ?? null) : null;
      toBrowser({ id, ok: false, error: { code: 'INTERNAL', message: `A reply of ${body.length} bytes is over the 1 MiB native messaging limit` } });
      return;
    }
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    writeLength(header, body.length);
    stdout.write(Buffer.concat([header, body]));
  };

  const answerDoctor = async (id: string | number) => {
    try {
      const { doctorReport } = await import('../doctor/context');
      stdout.write(encodeFrame({ id, ok: true, result: await doctorReport(o.paths) }));
    } catch (err) {
      toBrowser({ id, ok: false, error: { code: 'INTERNAL', message: `doctor failed: ${(err as Error).message}` } });
    }
  };

  const failPending = (message: string) => {
    for (const id of pending) toBrowser({ id, ok: false, error: { code: 'DAEMON_UNAVAILABLE', message } });
    pending.clear();
  };

  stdin.on('data', (chunk: Buffer) => {
    for (const d of fromBrowser.push(chunk)) {
      if (d.kind === 'oversized') {
        toBrowser({
          id: null,
          ok: false,
          error: { code: 'FRAME_TOO_LARGE', message: `Message of ${d.length} bytes refused: the limit is ${d.limit} bytes` },
        });
        continue;
      }
      // Note ids (to answer them if the daemon dies) and subscriptions (to restore them).
      const json = decodeJson(d.body);
      if (json.ok && json.value && typeof json.value === 'object') {
        const req = json.value as { id?: unknown; type?: unknown };
        const hasId = typeof req.id === 'string' || typeof req.id === 'number';
        if (req.type === 'doctor' && hasId) {
          // Answered here, not by the daemon: the report matters most when the daemon is broken.
          void answerDoctor(req.id as string | number);
          continue;
        }
        if (hasId) pending.add(req.id as string | number);
        if (req.type === 'subscribe') subscribed = true;
      }
      const header = Buffer.allocUnsafe(HEADER_BYTES);
      writeLength(header, d.body.length);
      const frame = Buffer.concat([header, d.body]);
      if (socket) socket.write(frame);
      else {
        backlog.push(frame);
        void connect();
      }
    }
  });

  const shutdown = () => {
    if (closing) return;
    closing = true;
    log.debug('stdin closed: the bridge exits; downloads go on in the daemon');
    // Answers already asked for get 900 ms to arrive; the bridge is gone 1 s after stdin ends at most.
    const deadline = Date.now() + 900;
    const finish = () => {
      if (pending.size > 0 && Date.now() < deadline) {
        setTimeout(finish, 10);
        return;
      }
      socket?.end();
      const force = setTimeout(() => exit(0), 80);
      force.unref();
      stdout.write('', () => exit(0));
    };
    finish();
  };
  stdin.on('end', shutdown);
  stdin.on('close', shutdown);
  stdin.on('error', shutdown);
  stdout.on('error', shutdown);

  void connect();
}

import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DoctorReport } from '../../../shared/doctor';
import type { RequestId } from '../../../shared/envelope';
import { MAX_MESSAGE_TO_BROWSER, MAX_REQUEST_BYTES, PROTOCOL_VERSION } from '../../../shared/limits';
import type { ErrorReply } from '../../../shared/protocol';
import { connectOrStart } from '../daemon/spawn';
import { FrameDecoder, decodeJson } from '../framing/decoder';
import { encodeFrame, frameBody } from '../framing/encode';
import { messageOf } from '../framing/message';
import type { Logger } from '../log';
import type { Paths } from '../paths';
import { type RelayAction, RelayState } from './relay';

export interface HostOptions {
  paths: Paths;
  cliPath: string;
  log: Logger;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  exit?: (code: number) => void;
  /** Runs the doctor's checks (tests pass their own). */
  doctor?: () => Promise<DoctorReport>;
}

/** The bridge's hello goes out alone on a fresh connection, before any relayed request. */
const HELLO_ID = 0;

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
        if (msg?.id !== HELLO_ID) continue;
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
    s.write(encodeFrame({ id: HELLO_ID, type: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'bridge' } }));
  });
}

/**
 * `vidqueue host`: what the browser starts. A relay between the browser's stdio
 * (native-messaging frames) and the user's daemon, which it starts when needed. It owns
 * nothing: when stdin ends it goes away within a second, and the downloads go on. Every
 * decision is made by `RelayState`; this file only performs them.
 */
export function runHost(o: HostOptions): void {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const { log } = o;
  const relay = new RelayState();
  const fromBrowser = new FrameDecoder(MAX_REQUEST_BYTES);
  let socket: Socket | null = null;
  let connecting = false;
  let closing = false;
  let retryDelay = 50;

  const perform = (actions: RelayAction[]) => {
    for (const a of actions) {
      if (a.kind === 'to-browser') stdout.write(encodeFrame(a.message));
      else if (a.kind === 'relay-to-browser') stdout.write(frameBody(a.body));
      else if (a.kind === 'to-daemon') socket?.write(encodeFrame(a.message));
      else if (a.kind === 'connect') connect();
      else if (a.kind === 'doctor') void answerDoctor(a.id);
    }
  };

  const connect = () => {
    if (connecting || socket || closing) return;
    connecting = true;
    void (async () => {
      try {
        const s = await connectOrStart(o.paths, o.cliPath);
        // A dying daemon can still accept a connection for an instant: only an answered hello counts.
        const decoder = await handshake(s);
        connecting = false;
        retryDelay = 50;
        attach(s, decoder);
      } catch (err) {
        connecting = false;
        log.warn('could not reach the daemon', err);
        const { actions, retry } = relay.connectFailed((err as Error).message);
        perform(actions);
        if (retry && !closing) {
          await sleep(retryDelay);
          retryDelay = Math.min(retryDelay * 2, 5000);
          connect();
        }
      }
    })();
  };

  const attach = (s: Socket, fromDaemon: FrameDecoder) => {
    socket = s;
    s.on('data', (chunk: Buffer) => {
      for (const d of fromDaemon.push(chunk)) {
        if (d.kind !== 'frame') continue;
        const json = decodeJson(d.body);
        if (json.ok) perform(relay.fromDaemon(json.value, d.body, MAX_MESSAGE_TO_BROWSER));
      }
    });
    s.on('error', (err) => log.warn('daemon connection error', err));
    s.on('close', () => {
      if (socket !== s) return;
      socket = null;
      perform(relay.closed());
    });
    perform(relay.attached());
  };

  // One doctor run at a time; requests that arrive while it runs share its answer.
  let doctorRun: Promise<DoctorReport> | null = null;
  const runDoctor = o.doctor ?? (async () => (await import('../doctor/context')).doctorReport(o.paths));
  const answerDoctor = async (id: RequestId) => {
    try {
      doctorRun ??= runDoctor().finally(() => (doctorRun = null));
      stdout.write(encodeFrame({ id, ok: true, result: await doctorRun }));
    } catch (err) {
      stdout.write(encodeFrame({ id, ok: false, error: { code: 'INTERNAL', message: `doctor failed: ${(err as Error).message}` } } satisfies ErrorReply));
    }
  };

  stdin.on('data', (chunk: Buffer) => {
    for (const d of fromBrowser.push(chunk)) {
      const m = messageOf(d);
      if (!m.ok) stdout.write(encodeFrame(m.reply));
      else perform(relay.fromBrowser(m.value, MAX_REQUEST_BYTES));
    }
  });

  const shutdown = () => {
    if (closing) return;
    closing = true;
    log.debug('stdin closed: the bridge exits; downloads go on in the daemon');
    // Answers already asked for get 900 ms to arrive; the bridge is gone 1 s after stdin ends at most.
    const deadline = Date.now() + 900;
    const finish = () => {
      if (relay.unanswered > 0 && Date.now() < deadline) {
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

  connect();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { encodeFrame } from '../../src/framing/encode';
import { FrameDecoder, decodeJson } from '../../src/framing/decoder';
import { CLI } from '../../../devkit/env';

export type Msg = { id?: unknown; ok?: boolean; result?: any; error?: { code: string; message: string }; event?: string; data?: any };

/** `vidqueue host` started the way a browser starts it: stdio pipes, frames both ways. */
export class HostProcess {
  readonly child: ChildProcess;
  readonly messages: Msg[] = [];
  /** Every byte the host wrote to stdout, to prove it is frames and nothing else. */
  readonly stdout: Buffer[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];

  constructor(env: Record<string, string>, opts: { detached?: boolean } = {}) {
    this.child = spawn(process.execPath, [CLI, 'host', 'chrome-extension://jmbanghbfkaamlnhdlipdknhfpnimkjc/'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: opts.detached ?? false,
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout.push(chunk);
      for (const d of this.decoder.push(chunk)) {
        if (d.kind !== 'frame') throw new Error('host sent an oversized frame');
        const json = decodeJson(d.body);
        if (!json.ok) throw new Error(`host wrote a non-JSON frame: ${json.message}`);
        const msg = json.value as Msg;
        this.messages.push(msg);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(msg)) return true;
          w.resolve(msg);
          return false;
        });
      }
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  send(message: unknown): void {
    this.child.stdin!.write(encodeFrame(message));
  }

  sendRaw(bytes: Buffer): void {
    this.child.stdin!.write(bytes);
  }

  next(pred: (m: Msg) => boolean, timeoutMs = 20_000): Promise<Msg> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message from the host in ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async request(id: string | number, type: string, params: unknown = {}): Promise<Msg> {
    this.send({ id, type, params });
    return this.next((m) => m.id === id);
  }

  /** Whether the bytes on stdout are exactly a sequence of whole frames. */
  stdoutIsOnlyFrames(): boolean {
    const all = Buffer.concat(this.stdout);
    let pos = 0;
    while (pos + 4 <= all.length) {
      const len = all.readUInt32LE(pos);
      if (pos + 4 + len > all.length) return false;
      if (!decodeJson(all.subarray(pos + 4, pos + 4 + len)).ok) return false;
      pos += 4 + len;
    }
    return pos === all.length;
  }
}

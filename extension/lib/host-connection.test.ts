import { describe, expect, it, vi } from 'vitest';
import { type HostStatus, classifyDisconnect, createHostConnection } from './host-connection';
import { type FakeNativePort, createFakeNativePort } from './fake-host';

function setup(idleMs = 1000) {
  const ports: FakeNativePort[] = [];
  const statuses: HostStatus[] = [];
  const events: unknown[] = [];
  const host = createHostConnection({
    connectNative: (name) => {
      expect(name).toBe('com.vidqueue.host');
      const p = createFakeNativePort();
      ports.push(p);
      return p;
    },
    onStatus: (s) => statuses.push(s),
    onEvent: (e) => events.push(e),
    idleMs,
  });
  const hello = (p: FakeNativePort) => p.reply(0, { protocolVersion: 1, daemonVersion: '9.9.9', pid: 1 });
  return { host, ports, statuses, events, hello };
}

describe('createHostConnection', () => {
  it('connects on the first request, says hello and subscribes, then sends what waited', async () => {
    const { host, ports, statuses, hello } = setup();
    const result = host.request('jobs.get', { jobId: 4 });
    const port = ports[0]!;
    expect(port.sent.map((m) => m.type)).toEqual(['hello', 'subscribe']);
    hello(port);
    expect(statuses.at(-1)).toEqual({ state: 'connected', daemonVersion: '9.9.9' });
    expect(port.sent[2]).toEqual({ id: 1, type: 'jobs.get', params: { jobId: 4 } });
    port.reply(1, { job: { id: 4 } });
    await expect(result).resolves.toEqual({ job: { id: 4 } });
  });

  it('rejects with the daemon error code and message', async () => {
    const { host, ports, hello } = setup();
    const p = host.request('jobs.cancel', { jobId: 9 });
    hello(ports[0]!);
    ports[0]!.fail(1, 'NOT_FOUND', 'No job with id 9');
    await expect(p).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No job with id 9' });
  });

  it('reports a missing host and retries with backoff while something needs it', () => {
    vi.useFakeTimers();
    const { host, ports, statuses } = setup();
    const release = host.hold();
    ports[0]!.drop('Specified native messaging host not found.');
    expect(statuses.at(-1)).toEqual({
      state: 'problem',
      problem: { kind: 'not-installed', detail: 'Specified native messaging host not found.' },
      retryInMs: 1000,
    });
    vi.advanceTimersByTime(1000);
    expect(ports).toHaveLength(2);
    ports[1]!.drop('Specified native messaging host not found.');
    expect(statuses.at(-1)).toMatchObject({ retryInMs: 2000 });
    release();
    vi.advanceTimersByTime(2000);
    expect(ports).toHaveLength(2); // nobody needs it any more
    vi.useRealTimers();
  });

  it('fails pending requests when the host goes away', async () => {
    const { host, ports, hello } = setup();
    const p = host.request('jobs.list', {});
    hello(ports[0]!);
    ports[0]!.drop('Native host has exited.');
    await expect(p).rejects.toMatchObject({ code: 'DAEMON_UNAVAILABLE' });
  });

  it('stops on a protocol mismatch instead of retrying', () => {
    const { host, ports, statuses } = setup();
    host.hold();
    ports[0]!.fail(0, 'PROTOCOL_MISMATCH', 'The client speaks protocol 1, this daemon speaks 2');
    expect(statuses.at(-1)).toMatchObject({ state: 'problem', problem: { kind: 'protocol-mismatch' }, retryInMs: null });
    expect(ports[0]!.disconnected).toBe(true);
  });

  it('lets go of the host when idle, and not while downloads run', () => {
    vi.useFakeTimers();
    const { host, ports, hello, statuses } = setup(500);
    const release = host.hold();
    hello(ports[0]!);
    host.setBusy(true);
    release();
    vi.advanceTimersByTime(1000);
    expect(ports[0]!.disconnected).toBe(false);
    host.setBusy(false);
    vi.advanceTimersByTime(600);
    expect(ports[0]!.disconnected).toBe(true);
    expect(statuses.at(-1)).toEqual({ state: 'idle' });
    vi.useRealTimers();
  });

  it('relays events', () => {
    const { host, ports, events, hello } = setup();
    host.hold();
    hello(ports[0]!);
    ports[0]!.push({ event: 'jobs.removed', data: { jobIds: [1] } });
    expect(events).toEqual([{ event: 'jobs.removed', data: { jobIds: [1] } }]);
  });
});

describe('classifyDisconnect', () => {
  it.each([
    ['Specified native messaging host not found.', 'not-installed'],
    ['No such native application com.vidqueue.host', 'not-installed'],
    ['Access to the specified native messaging host is forbidden.', 'forbidden'],
    ['Native host has exited.', 'exited'],
    ['Error when communicating with the native messaging host.', 'unknown'],
  ])('%s → %s', (message, kind) => {
    expect(classifyDisconnect(message).kind).toBe(kind);
  });
});

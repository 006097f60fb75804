import { describe, expect, it } from 'vitest';
import { type RelayAction, RelayState } from './relay';

const MAX = 1024 * 1024;
type Step = ['browser', unknown] | ['attached'] | ['connect-failed', string] | ['closed'] | ['daemon', unknown];

/** Runs the steps and returns every action, in order, with bodies of relayed frames decoded. */
function run(steps: Step[], relay = new RelayState()): { actions: unknown[]; retry: boolean[]; relay: RelayState } {
  const actions: unknown[] = [];
  const retry: boolean[] = [];
  const show = (a: RelayAction) => (a.kind === 'relay-to-browser' ? { kind: a.kind, body: JSON.parse(a.body.toString()) } : a);
  for (const step of steps) {
    if (step[0] === 'browser') actions.push(...relay.fromBrowser(step[1], MAX).map(show));
    else if (step[0] === 'attached') actions.push(...relay.attached().map(show));
    else if (step[0] === 'connect-failed') {
      const r = relay.connectFailed(step[1]);
      actions.push(...r.actions.map(show));
      retry.push(r.retry);
    } else if (step[0] === 'closed') actions.push(...relay.closed().map(show));
    else {
      const body = Buffer.from(JSON.stringify(step[1]));
      actions.push(...relay.fromDaemon(step[1], body, MAX).map(show));
    }
  }
  return { actions, retry, relay };
}

const toDaemon = (id: number, type: string, params?: unknown) => ({ kind: 'to-daemon', message: params === undefined ? { id, type } : { id, type, params } });
const toBrowser = (message: object) => ({ kind: 'to-browser', message });
const unavailable = (id: unknown) => toBrowser({ id, ok: false, error: { code: 'DAEMON_UNAVAILABLE', message: expect.any(String) } });

describe('RelayState', () => {
  it.each<[string, Step[], unknown[]]>([
    [
      'relays a request with its own id and maps the reply back to the client id',
      [['attached'], ['browser', { id: 'abc', type: 'jobs.list', params: {} }], ['daemon', { id: 1, ok: true, result: { total: 0 } }]],
      [toDaemon(1, 'jobs.list', {}), toBrowser({ id: 'abc', ok: true, result: { total: 0 } })],
    ],
    [
      'holds a request until the daemon is there, then sends it once',
      [['browser', { id: 7, type: 'hello', params: { protocolVersion: 1 } }], ['attached']],
      [{ kind: 'connect' }, toDaemon(1, 'hello', { protocolVersion: 1 })],
    ],
    [
      'answers a request that waited for an unreachable daemon, and never sends it later',
      [['browser', { id: 7, type: 'jobs.add', params: { url: 'https://x.test/' } }], ['connect-failed', 'ENOENT'], ['attached']],
      [{ kind: 'connect' }, unavailable(7)],
    ],
    [
      "gives no client id a meaning of its own: an id that looks like the bridge's is relayed and answered",
      [['attached'], ['browser', { id: 'vidqueue-bridge:hello', type: 'hello', params: { protocolVersion: 1 } }], ['daemon', { id: 1, ok: true, result: {} }]],
      [toDaemon(1, 'hello', { protocolVersion: 1 }), toBrowser({ id: 'vidqueue-bridge:hello', ok: true, result: {} })],
    ],
    [
      'keeps two clients requests with the same id apart in time: each reply answers its own',
      [
        ['attached'],
        ['browser', { id: 0, type: 'jobs.get', params: { jobId: 1 } }],
        ['browser', { id: 0, type: 'jobs.get', params: { jobId: 2 } }],
        ['daemon', { id: 2, ok: true, result: 'two' }],
        ['daemon', { id: 1, ok: true, result: 'one' }],
      ],
      [
        toDaemon(1, 'jobs.get', { jobId: 1 }),
        toDaemon(2, 'jobs.get', { jobId: 2 }),
        toBrowser({ id: 0, ok: true, result: 'two' }),
        toBrowser({ id: 0, ok: true, result: 'one' }),
      ],
    ],
    [
      'answers requests in flight when the daemon goes away, once',
      [['attached'], ['browser', { id: 'a', type: 'jobs.cancel', params: { jobId: 1 } }], ['closed'], ['daemon', { id: 1, ok: true, result: {} }]],
      [toDaemon(1, 'jobs.cancel', { jobId: 1 }), unavailable('a')],
    ],
    [
      'restores the subscription on a new daemon and tells the views, without answering the browser for it',
      [
        ['attached'],
        ['browser', { id: -1, type: 'subscribe', params: {} }],
        ['daemon', { id: 1, ok: true, result: {} }],
        ['closed'],
        ['attached'],
        ['daemon', { id: 2, ok: true, result: {} }],
      ],
      [
        toDaemon(1, 'subscribe', {}),
        toBrowser({ id: -1, ok: true, result: {} }),
        { kind: 'connect' },
        toDaemon(2, 'subscribe', {}),
        toBrowser({ event: 'daemon.reconnected', data: {} }),
      ],
    ],
    [
      'does not reconnect after a clean stop; the next request does',
      [
        ['attached'],
        ['browser', { id: 1, type: 'subscribe', params: {} }],
        ['daemon', { event: 'daemon.stopping', data: { reason: 'idle' } }],
        ['closed'],
        ['browser', { id: 2, type: 'jobs.list' }],
      ],
      [
        toDaemon(1, 'subscribe', {}),
        { kind: 'relay-to-browser', body: { event: 'daemon.stopping', data: { reason: 'idle' } } },
        unavailable(1),
        { kind: 'connect' },
      ],
    ],
    ['answers doctor itself, whether or not a daemon is there', [['browser', { id: 'd', type: 'doctor', params: {} }]], [{ kind: 'doctor', id: 'd' }]],
    [
      'answers a malformed message itself, keeping its id when it has one',
      [['attached'], ['browser', []], ['browser', { id: 5, type: 3 }], ['browser', { type: 'hello' }]],
      [
        toBrowser({ id: null, ok: false, error: { code: 'INVALID_MESSAGE', field: 'message', message: expect.stringContaining('expected an object') } }),
        toBrowser({ id: 5, ok: false, error: { code: 'INVALID_MESSAGE', field: 'type', message: expect.any(String) } }),
        toBrowser({ id: null, ok: false, error: { code: 'INVALID_MESSAGE', field: 'id', message: expect.any(String) } }),
      ],
    ],
    [
      'drops a reply nobody asked for',
      [['attached'], ['daemon', { id: 99, ok: true, result: {} }], ['daemon', { id: null, ok: false, error: { code: 'INVALID_JSON', message: 'x' } }]],
      [],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps).actions).toEqual(expected);
  });

  it('keeps trying to connect after a failure only while the browser wants events', () => {
    expect(
      run([
        ['browser', { id: 1, type: 'jobs.list' }],
        ['connect-failed', 'x'],
      ]).retry,
    ).toEqual([false]);
    expect(
      run([
        ['browser', { id: 1, type: 'subscribe' }],
        ['connect-failed', 'x'],
      ]).retry,
    ).toEqual([true]);
  });

  it('answers a nested message with a clear error without walking it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 4000; i++) deep = [deep];
    const { actions } = run([['attached'], ['browser', { id: 3, type: 'jobs.add', params: { url: deep } }]]);
    expect(actions).toEqual([
      toBrowser({
        id: 3,
        ok: false,
        error: { code: 'INVALID_MESSAGE', field: expect.stringMatching(/^params\.url\[0\]/), message: expect.stringContaining('nested more than 32 levels') },
      }),
    ]);
  });

  it("refuses a request whose re-encoding would pass the daemon's limit, answering its id", () => {
    const relay = new RelayState();
    relay.attached();
    const actions = relay.fromBrowser({ id: 1, type: 'jobs.add', params: { title: 'x'.repeat(100) } }, 80);
    expect(actions).toEqual([toBrowser({ id: 1, ok: false, error: { code: 'FRAME_TOO_LARGE', message: expect.stringContaining('the limit is 80 bytes') } })]);
  });

  it('counts what is still to be answered (the bridge waits for it when stdin ends)', () => {
    const { relay } = run([
      ['attached'],
      ['browser', { id: 1, type: 'jobs.list' }],
      ['browser', { id: 2, type: 'jobs.list' }],
      ['daemon', { id: 1, ok: true, result: {} }],
    ]);
    expect(relay.unanswered).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { VidQueueError } from '../../../shared/errors';
import type { DaemonClient } from '../daemon/client';
import { withClient } from './with-client';

/** A daemon client that answers `notices.take` with `notices` (or that error) and records what it was asked. */
function fakeClient(notices: { message: string }[] | VidQueueError) {
  const asked: string[] = [];
  let closed = false;
  const client = {
    async request(type: string) {
      asked.push(type);
      if (type !== 'notices.take') return {};
      if (notices instanceof VidQueueError) throw notices;
      return { notices: notices.map((n, i) => ({ id: i + 1, code: 'DB_RESET', createdAt: 0, ...n })) };
    },
    close: () => {
      closed = true;
    },
  } as unknown as DaemonClient;
  return { client, asked, closed: () => closed };
}

async function run(notices: Parameters<typeof fakeClient>[0], fn: (c: DaemonClient) => Promise<string> = async () => 'done') {
  const fake = fakeClient(notices);
  const stderr: string[] = [];
  const result = await withClient('/cli.js', fn, { open: async () => fake.client, stderr: (t) => void stderr.push(t) }).catch((err: Error) => err);
  return { result, stderr: stderr.join(''), asked: fake.asked, closed: fake.closed() };
}

describe('withClient', () => {
  it('prints each notice of the daemon on stderr before running the command', async () => {
    const r = await run([{ message: 'The database was damaged; it was set aside as jobs.db.broken' }, { message: 'second\u001b one' }], async () => 'listed');
    expect(r.result).toBe('listed');
    expect(r.stderr).toBe('vidqueue: notice: The database was damaged; it was set aside as jobs.db.broken\nvidqueue: notice: second one\n');
    expect(r.asked[0]).toBe('notices.take');
  });

  it('prints nothing when the daemon has no notice', async () => {
    expect((await run([])).stderr).toBe('');
  });

  it('runs the command against an older daemon that does not know notices.take', async () => {
    const r = await run(new VidQueueError('UNKNOWN_TYPE', 'Unknown message type `"notices.take"`', 'type'));
    expect(r).toMatchObject({ result: 'done', stderr: '', closed: true });
  });

  it('passes on any other failure, and closes the connection', async () => {
    const r = await run(new VidQueueError('DAEMON_UNAVAILABLE', 'The connection to the daemon closed'));
    expect(r.result).toMatchObject({ code: 'DAEMON_UNAVAILABLE' });
    expect(r.closed).toBe(true);
  });

  it('closes the connection when the command fails', async () => {
    const r = await run([], async () => {
      throw new VidQueueError('NOT_FOUND', 'No job with id 42', 'jobId');
    });
    expect(r).toMatchObject({ result: { code: 'NOT_FOUND' }, closed: true });
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { Notice } from '../../../shared/protocol';
import { HostRequestError } from '../host-connection';
import { until } from './fake-view-port';
import { createNotices } from './notices';

const notice = (id: number, message = `Notice ${id}`): Notice => ({ id, code: 'DATABASE_RESET', message, createdAt: id });

function setup(daemon: Notice[][], saved: Notice[] = []) {
  let stored = saved;
  const shown: Notice[] = [];
  const changes: Notice[][] = [];
  const request = vi.fn(async () => ({ notices: daemon.shift() ?? [] }));
  const notices = createNotices({
    host: { request: request as never },
    store: {
      getValue: async () => stored,
      setValue: async (v) => {
        stored = v;
      },
    },
    show: (n) => void shown.push(n),
    onChange: (l) => void changes.push(l),
    keep: 3,
  });
  return { notices, shown, changes, request, stored: () => stored };
}

describe('notices', () => {
  it('takes the daemon notices, shows each once and keeps the last ones for the views', async () => {
    const { notices, shown, changes, request } = setup([[notice(1, 'The database was damaged and set aside')], [], [notice(2), notice(3), notice(4)]]);
    await notices.take();
    await notices.take();
    await notices.take();
    expect(request).toHaveBeenCalledWith('notices.take', {});
    expect(shown.map((n) => n.id)).toEqual([1, 2, 3, 4]);
    expect(notices.current().map((n) => n.id)).toEqual([2, 3, 4]);
    expect(changes.map((l) => l.map((n) => n.id))).toEqual([[1], [2, 3, 4]]);
  });

  it('asks once when several connections come at the same time', async () => {
    const { notices, request } = setup([[notice(1)]]);
    await Promise.all([notices.take(), notices.take()]);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('removes a dismissed notice for every view, and keeps the others across a background restart', async () => {
    const first = setup([[notice(1), notice(2)]]);
    await first.notices.take();
    await first.notices.dismiss(1);
    expect(first.changes.at(-1)!.map((n) => n.id)).toEqual([2]);
    const restarted = setup([], first.stored());
    await until(() => restarted.notices.current().length === 1);
    expect(restarted.notices.current().map((n) => n.id)).toEqual([2]);
    expect(restarted.shown).toEqual([]);
  });

  it('is quiet with a daemon that does not know notices.take', async () => {
    const { notices, shown } = setup([]);
    const old = createNotices({
      host: { request: vi.fn(async () => Promise.reject(new HostRequestError('UNKNOWN_TYPE', 'Unknown message type'))) as never },
      store: { getValue: async () => [], setValue: async () => {} },
      show: () => shown.push(notice(0)),
      onChange: () => {},
    });
    await expect(old.take()).resolves.toBeUndefined();
    await notices.take();
    expect(shown).toEqual([]);
  });
});

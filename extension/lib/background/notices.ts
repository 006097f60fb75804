import type { Notice } from '../../../shared/protocol';
import type { HostConnection } from '../host-connection';

export interface NoticesDeps {
  host: Pick<HostConnection, 'request'>;
  /** Session storage: the daemon hands each notice out once, so a restarted background must not lose them. */
  store: { getValue(): Promise<Notice[]>; setValue(value: Notice[]): Promise<void> };
  /** Tells the user at once (a browser notification). */
  show: (notice: Notice) => void;
  /** The notices the views show changed. */
  onChange: (notices: Notice[]) => void;
  /** How many are kept for the views. */
  keep?: number;
}

/**
 * What the daemon must tell the user once (its database was damaged and set aside…).
 * Taken once per connection; each is shown as a notification and kept for the session
 * for the popup, until the user dismisses it.
 */
export function createNotices(d: NoticesDeps) {
  const keep = d.keep ?? 5;
  let list: Notice[] = [];
  const loaded = d.store.getValue().then(
    (saved) => {
      list = [...saved, ...list.filter((n) => !saved.some((s) => s.id === n.id))].slice(-keep);
      if (list.length > 0) d.onChange(list);
    },
    () => {},
  );
  const set = (next: Notice[]) => {
    list = next.slice(-keep);
    void d.store.setValue(list);
    d.onChange(list);
  };

  let taking: Promise<void> | null = null;
  const take = async () => {
    let notices: Notice[];
    try {
      ({ notices } = await d.host.request('notices.take', {}));
    } catch {
      // An older daemon does not know notices.take; a lost connection asks again on the next one.
      return;
    }
    await loaded;
    if (notices.length === 0) return;
    for (const n of notices) d.show(n);
    set([...list.filter((old) => !notices.some((n) => n.id === old.id)), ...notices]);
  };

  return {
    /** Once per connection to the daemon; one at a time. */
    take: (): Promise<void> => (taking ??= take().finally(() => (taking = null))),
    current: (): Notice[] => list,
    async dismiss(id: number): Promise<void> {
      await loaded;
      if (list.some((n) => n.id === id)) set(list.filter((n) => n.id !== id));
    },
  };
}

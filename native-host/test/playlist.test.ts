import { describe, expect, it } from 'vitest';
import type { Group } from '../../shared/group';
import type { Event } from '../../shared/protocol';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES } from '../../devkit/fixtures';
import { multiVideoPage } from '../../devkit/pages';
import { sha256 } from '../../devkit/probe';
import { env, jobProcesses, server, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

/** A page of `n` videos (each the progressive clip, at `rate` bytes/s when given): a playlist to yt-dlp. */
const playlistPage = (name: string, n: number, rate?: number) =>
  server.page(
    `/${name}.html`,
    multiVideoPage(
      name,
      Array.from({ length: n }, (_, i) => `/${FIXTURES.progressive}?n=${i + 1}${rate ? `&rate=${rate}` : ''}`),
    ),
  );

async function until<T>(what: string, read: () => Promise<T> | T, check: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('playlists', () => {
  it('makes a playlist of 5 into 5 jobs of one group, each its own download; "Download all" again skips the 5 and says so', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const groupEvents: Group[] = [];
    client.on('event', (e: Event) => {
      if (e.event === 'group.updated') groupEvents.push(e.data.group);
    });
    const url = playlistPage('five', 5);
    expect((await client.request('probe', { url })).playlist!.count).toBe(5);
    const { group } = await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } });
    expect(group).toMatchObject({ url, title: 'five', total: 5, added: 5, skipped: 0, adding: false, remaining: 5 });
    const { jobs } = await client.request('jobs.list', { groupId: group.id });
    expect(jobs.map((j) => [j.groupId, j.playlistIndex, j.title]).sort()).toEqual([1, 2, 3, 4, 5].map((i) => [group.id, i, `five (${i})`]));
    for (const j of jobs) expect((await waitForJob(client, j.id, finished)).status).toBe('completed');
    const done = (await client.request('groups.get', { groupId: group.id })).group;
    expect(done).toMatchObject({ done: 5, failed: 0, remaining: 0, bytes: { totalIsEstimate: false } });
    expect(done.bytes.downloaded).toBe(done.bytes.total);
    expect(env.downloaded().sort()).toEqual([1, 2, 3, 4, 5].map((i) => `five (${i}).mp4`));
    await until(
      'the last group event',
      () => groupEvents.at(-1),
      (g) => g?.done === 5,
    );

    const again = await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } });
    expect(again.group).toMatchObject({ total: 5, added: 0, skipped: 5, adding: false, remaining: 0 });
    const forced = await client.request('jobs.addPlaylist', { url, entries: { kind: 'first', count: 2 }, again: true });
    expect(forced.group).toMatchObject({ total: 2, added: 2, skipped: 0 });
    await client.request('groups.cancel', { groupId: forced.group.id });
  });

  it("does not take another page's videos for these: the generic extractor's ids are page names, qualified by the page", async () => {
    const client = await env.client();
    const videos = [1, 2].map((i) => `/${FIXTURES.progressive}?n=${i}`);
    const a = server.page('/a/clips.html', multiVideoPage('clips', videos));
    const b = server.page('/b/clips.html', multiVideoPage('clips', videos));
    const first = (await client.request('jobs.addPlaylist', { url: a, entries: { kind: 'all' } })).group;
    for (const j of (await client.request('jobs.list', { groupId: first.id })).jobs) await waitForJob(client, j.id, finished);
    // Same ids (clips-1, clips-2), same extractor, another page: downloaded, not skipped.
    const second = (await client.request('jobs.addPlaylist', { url: b, entries: { kind: 'all' } })).group;
    expect(second).toMatchObject({ added: 2, skipped: 0 });
    expect((await client.request('jobs.addPlaylist', { url: a, entries: { kind: 'all' } })).group).toMatchObject({ added: 0, skipped: 2 });
    await client.request('groups.cancel', { groupId: second.id });
  });

  it('downloads only the entries ticked, with the choice given', async () => {
    const client = await env.client();
    const url = playlistPage('ticked', 4);
    const probed = await client.request('probe', { url });
    const ids = [probed.playlist!.entries[1]!.id!, probed.playlist!.entries[3]!.id!];
    const { group } = await client.request('jobs.addPlaylist', { url, entries: { kind: 'ids', ids }, choice: { format: { kind: 'audio' } } });
    const { jobs } = await client.request('jobs.list', { groupId: group.id });
    expect(jobs.map((j) => j.playlistIndex).sort()).toEqual([2, 4]);
    const done = await Promise.all(jobs.map((j) => waitForJob(client, j.id, finished)));
    expect(done.map((j) => j.filePath!.replace(/.*\//, '')).sort()).toEqual(['ticked (2).m4a', 'ticked (4).m4a']);
    await expect(client.request('jobs.addPlaylist', { url, entries: { kind: 'ids', ids: ['nope'] } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'entries.ids',
    });
    await expect(client.request('jobs.addPlaylist', { url: server.url(FIXTURES.progressive), entries: { kind: 'all' } })).rejects.toMatchObject({
      code: 'NOT_A_PLAYLIST',
    });
  });

  it('cancels a whole group mid-way: no process, no partial file, every job cancelled', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 2 } });
    const url = playlistPage('slow', 5, 400_000);
    const { group } = await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } });
    const { jobs } = await client.request('jobs.list', { groupId: group.id });
    await until(
      'two entries downloading',
      async () =>
        (await client.request('jobs.list', { groupId: group.id })).jobs.filter((j) => j.status === 'downloading' && j.progress.downloadedBytes > 0).length,
      (n) => n === 2,
    );
    expect(env.stagingFiles().length).toBeGreaterThan(0);
    const r = await client.request('groups.cancel', { groupId: group.id });
    // Checked straight after the reply, with no waiting.
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual([]);
    expect(r.jobIds.sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(r.group).toMatchObject({ cancelled: 5, remaining: 0, done: 0, adding: false, bytes: { downloaded: 0, total: null } });
    expect(r.group.cancelledAt).toBeGreaterThan(0);
  });

  it('pauses and resumes a group, and retries its failed entries', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    const url = server.page('/mixed.html', multiVideoPage('mixed', [`/${FIXTURES.progressive}?rate=500000`, '/missing.mp4', `/${FIXTURES.progressive}?n=3`]));
    const { group } = await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } });
    const [first] = (await client.request('jobs.list', { groupId: group.id })).jobs.sort((a, b) => a.playlistIndex! - b.playlistIndex!);
    await waitForJob(client, first!.id, (j) => j.progress.downloadedBytes > 0);
    const paused = await client.request('groups.pause', { groupId: group.id });
    expect(paused.jobIds).toHaveLength(3);
    expect(jobProcesses()).toEqual([]);
    const resumed = await client.request('groups.resume', { groupId: group.id });
    expect(resumed.jobIds).toHaveLength(3);
    const all = (await client.request('jobs.list', { groupId: group.id })).jobs;
    const ended = await Promise.all(all.map((j) => waitForJob(client, j.id, finished)));
    expect(ended.map((j) => [j.playlistIndex, j.status]).sort()).toEqual([
      [1, 'completed'],
      [2, 'failed'],
      [3, 'completed'],
    ]);
    expect(sha256(ended.find((j) => j.playlistIndex === 1)!.filePath!)).toBe(sha256(ended.find((j) => j.playlistIndex === 3)!.filePath!));
    expect((await client.request('groups.get', { groupId: group.id })).group).toMatchObject({ done: 2, failed: 1, remaining: 0 });
    const failed = ended.find((j) => j.status === 'failed')!;
    const retried = await client.request('groups.retryFailed', { groupId: group.id });
    expect(retried.jobIds).toEqual([failed.id]);
    expect((await waitForJob(client, failed.id, finished)).error).toMatchObject({ code: 'HTTP_404' });
  });

  it('adds a 1,000-entry playlist in one request, answering other requests while it adds; cancelling the group stops the adding', async () => {
    const client = await env.client();
    await client.request('settings.set', { settings: { concurrency: 1 } });
    const url = playlistPage('thousand', 1000, 20_000);
    const probed = await client.request('probe', { url });
    expect(probed.playlist!.count).toBe(1000);
    const { group } = await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } });
    expect(group).toMatchObject({ total: 1000, adding: true });
    expect(group.added).toBeLessThan(1000);
    // Asked after the reply: answered while entries are still being added.
    const meanwhile = (await client.request('groups.get', { groupId: group.id })).group;
    expect(meanwhile.adding).toBe(true);
    expect(meanwhile.added).toBeLessThan(1000);
    const cancelled = await client.request('groups.cancel', { groupId: group.id });
    expect(cancelled.group).toMatchObject({ adding: false, remaining: 0 });
    expect(cancelled.group.added).toBeLessThan(1000);
    expect(cancelled.group.cancelled).toBe(cancelled.group.added);
    expect(jobProcesses()).toEqual([]);
    // Nothing more is added after the cancel.
    await new Promise((r) => setTimeout(r, 500));
    expect((await client.request('jobs.list', { groupId: group.id, limit: 1 })).total).toBe(cancelled.group.added);

    // Without a cancel, all 1,000 are added, as jobs of their own.
    const all = (await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } })).group;
    const end = await until(
      'the adding',
      async () => (await client.request('groups.get', { groupId: all.id })).group,
      (g) => !g.adding,
    );
    expect(end).toMatchObject({ total: 1000, added: 1000, skipped: 0 });
    await client.request('groups.cancel', { groupId: all.id });
    expect(jobProcesses()).toEqual([]);
  });

  it('lists groups newest first, and lets a group go when its jobs leave the history', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const removed: number[] = [];
    client.on('event', (e: Event) => {
      if (e.event === 'groups.removed') removed.push(...e.data.groupIds);
    });
    const url = playlistPage('brief', 2, 100_000);
    const a = (await client.request('jobs.addPlaylist', { url, entries: { kind: 'first', count: 1 } })).group;
    const b = (await client.request('jobs.addPlaylist', { url, entries: { kind: 'all' } })).group;
    expect((await client.request('groups.list', {})).groups.map((g) => g.id)).toEqual([b.id, a.id]);
    await client.request('groups.cancel', { groupId: a.id });
    await client.request('groups.cancel', { groupId: b.id });
    await client.request('jobs.clear', {});
    expect(removed.sort()).toEqual([a.id, b.id].sort());
    expect((await client.request('groups.list', {})).total).toBe(0);
    await expect(client.request('groups.get', { groupId: a.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `No playlist group with id ${a.id}` });
  });
});

/**
 * "Use my browser login": a job carries the browser's cookies for its hosts. yt-dlp gets
 * them from a private file in the job's staging folder while it runs; they never reach the
 * database, the logs, events, job JSON or the CLI, and the file is gone whatever the outcome.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Cookie } from '../../shared/cookies';
import type { Event } from '../../shared/protocol';
import { finished, waitForJob, filesText } from '../../devkit/env';
import { FIXTURES, FIXTURE_DIR } from '../../devkit/fixtures';
import { LOGIN_COOKIE } from '../../devkit/media-server';
import { sha256 } from '../../devkit/probe';
import { env, jobProcesses, server, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

const SECRET = LOGIN_COOKIE.value;
const LOGIN = `${LOGIN_COOKIE.name}=${SECRET}`;
const cookies: Cookie[] = [
  { domain: '127.0.0.1', hostOnly: true, path: '/', secure: false, expires: null, name: 'session', value: SECRET },
  { domain: '127.0.0.1', hostOnly: true, path: '/', secure: false, expires: 4_102_444_800, name: 'theme', value: 'dark' },
];
/** The clip behind a login: 403 without the cookie. */
const behindLogin = (query: Record<string, string | number> = {}) => server.url(FIXTURES.progressive, { login: 1, ...query });

const cookieFiles = () => env.stagingFiles().filter((f) => f.endsWith('/cookies.txt'));

describe("the browser's login", () => {
  it('downloads a video behind a login with the cookies given, in a private file while yt-dlp runs, and keeps them nowhere', async () => {
    const client = await env.client();
    await client.request('subscribe', {});
    const events: Event[] = [];
    client.on('event', (e) => events.push(e));
    const seen = server.requests.length;
    const { job } = await client.request('jobs.add', { url: behindLogin({ rate: 150_000 }), cookies });
    expect(JSON.stringify(job)).not.toContain(SECRET);
    await waitForJob(client, job.id, (j) => j.progress.downloadedBytes > 0);
    const [file] = cookieFiles();
    expect(file).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    const fetched = server.requests.slice(seen).filter((r) => r.path === `/${FIXTURES.progressive}`);
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.every((r) => r.cookie?.includes(LOGIN))).toBe(true);

    expect(cookieFiles()).toEqual([]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(JSON.stringify((await client.request('jobs.list', {})).jobs)).not.toContain(SECRET);
    const ls = await env.cli(['ls', '--json']);
    expect(ls.stdout).not.toContain(SECRET);
    await env.cli(['stop']);
    expect(filesText(env.home)).not.toContain(SECRET);
  });

  it('fails with HTTP_403 without the login; Retry with the cookies completes', async () => {
    const client = await env.client();
    const { job } = await client.request('jobs.add', { url: behindLogin() });
    const failed = await waitForJob(client, job.id, finished);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'HTTP_403' } });
    await client.request('jobs.retry', { jobId: job.id, cookies });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(cookieFiles()).toEqual([]);
  });

  it('takes the cookie file away while a job is paused, and writes it again when it resumes', async () => {
    const client = await env.client();
    const seen = server.requests.length;
    const { job } = await client.request('jobs.add', { url: behindLogin({ rate: 100_000 }), cookies });
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 5);
    await client.request('jobs.pause', { jobId: job.id });
    expect(env.stagingFiles().length).toBeGreaterThan(0);
    expect(cookieFiles()).toEqual([]);
    await client.request('jobs.resume', { jobId: job.id });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(sha256(done.filePath!)).toBe(sha256(join(FIXTURE_DIR, FIXTURES.progressive)));
    const fetched = server.requests.slice(seen).filter((r) => r.path === `/${FIXTURES.progressive}`);
    expect(fetched.some((r) => r.range && r.range !== 'bytes=0-')).toBe(true);
    expect(fetched.every((r) => r.cookie?.includes(LOGIN))).toBe(true);
  });

  it('leaves no cookie file after a cancel, nor after the daemon was killed (the next daemon deletes it)', async () => {
    const client = await env.client();
    const first = (await client.request('jobs.add', { url: behindLogin({ rate: 100_000 }), cookies })).job;
    await waitForJob(client, first.id, (j) => j.progress.downloadedBytes > 0);
    await client.request('jobs.cancel', { jobId: first.id });
    expect(env.stagingFiles()).toEqual([]);
    expect(jobProcesses()).toEqual([]);

    const second = (await client.request('jobs.add', { url: behindLogin({ rate: 100_000 }), cookies })).job;
    await waitForJob(client, second.id, (j) => j.progress.downloadedBytes > 0);
    expect(cookieFiles()).toHaveLength(1);
    process.kill(env.daemonPids()[0]!, 'SIGKILL');
    await sleep(100);
    // The next daemon starts with no cookie in memory: it deletes the file, and the job goes on without a login.
    const next = await env.client('after-crash');
    expect(cookieFiles()).toEqual([]);
    const after = await waitForJob(next, second.id, finished);
    expect(after).toMatchObject({ status: 'failed', error: { code: 'HTTP_403' } });
    expect(cookieFiles()).toEqual([]);
  });

  it.each([
    ['a tab in a value', { value: `${SECRET}\tX` }, 'params.cookies.0.value'],
    ['a line break in a name', { name: `a\n${SECRET}` }, 'params.cookies.0.name'],
    ['a domain with a space', { domain: `x ${SECRET}` }, 'params.cookies.0.domain'],
    ['a field no cookie has', { extra: SECRET }, 'params.cookies.0.extra'],
  ])('refuses %s with an error naming the field, never the value', async (_what, change, field) => {
    const client = await env.client();
    const error = await client.request('jobs.add', { url: behindLogin(), cookies: [{ ...cookies[0]!, ...change } as Cookie] }).then(
      () => null,
      (err: { code: string; field: string; message: string }) => err,
    );
    expect(error).toMatchObject({ code: 'INVALID_MESSAGE', field });
    expect(error!.message).not.toContain(SECRET);
    expect((await client.request('jobs.list', {})).jobs).toEqual([]);
  });
});

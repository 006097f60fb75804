import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, waitForJob } from '../../devkit/env';
import { FIXTURES } from '../../devkit/fixtures';
import { subtitledVideoPage } from '../../devkit/pages';
import { probe } from '../../devkit/probe';
import { env, jobProcesses, server, useServerAndEnv } from './helpers/suite';

useServerAndEnv();

describe('jobs from an exact choice made from a probe', () => {
  it('downloads the chosen height of an HLS master', async () => {
    const client = await env.client();
    const url = server.url(FIXTURES.hlsMaster);
    const probed = await client.request('probe', { url });
    const small = probed.formats.find((f) => f.height === 360)!;
    const { job } = await client.request('jobs.add', { url, choice: { format: { kind: 'height', maxHeight: 480 } } });
    expect(job).toMatchObject({ choice: { format: { kind: 'height', maxHeight: 480 } }, preset: '720p', expectedSize: small.size });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect((await probe(done.filePath!)).height).toBe(360);
    // Without the choice, the same URL gives the 720p variant.
    const best = await waitForJob(client, (await client.request('jobs.add', { url })).job.id, finished);
    expect((await probe(best.filePath!)).height).toBe(720);
  });

  it('downloads a chosen format id, adding the best audio to a video-only DASH format', async () => {
    const client = await env.client();
    const url = server.url(FIXTURES.dash);
    const probed = await client.request('probe', { url });
    const videoOnly = probed.formats.find((f) => f.hasVideo && !f.hasAudio)!;
    const { job } = await client.request('jobs.add', { url, choice: { format: { kind: 'format', formatId: videoOnly.id } } });
    const done = await waitForJob(client, job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect((await probe(done.filePath!)).codecs.sort()).toEqual(['aac', 'h264']);
  });

  it('takes the audio of a chosen format as it is', async () => {
    const client = await env.client();
    const url = server.url(FIXTURES.dash);
    const probed = await client.request('probe', { url });
    const audio = probed.formats.find((f) => !f.hasVideo)!;
    const done = await waitForJob(
      client,
      (await client.request('jobs.add', { url, choice: { format: { kind: 'audio', formatId: audio.id } } })).job.id,
      finished,
    );
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    expect(done.filePath).toMatch(/\.m4a$/);
    expect((await probe(done.filePath!)).codecs).toEqual(['aac']);
  });

  it('saves the chosen subtitles as .srt files next to the video, named after it', async () => {
    const client = await env.client();
    const url = server.page('/subtitled.html', subtitledVideoPage('With subtitles', `/${FIXTURES.progressive}`, ['en', 'fr', 'de']));
    expect((await client.request('probe', { url })).subtitles).toEqual(['en', 'fr', 'de']);
    const choice = { format: { kind: 'best' }, subtitles: { languages: ['en', 'de'], mode: 'file', fileFormat: 'srt' } } as const;
    const done = await waitForJob(client, (await client.request('jobs.add', { url, choice: choice as never })).job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const stem = basename(done.filePath!).replace(/\.mp4$/, '');
    expect(done.subtitleFiles).toEqual([join(env.downloads, `${stem}.de.srt`), join(env.downloads, `${stem}.en.srt`)]);
    expect(env.downloaded().sort()).toEqual([`${stem}.de.srt`, `${stem}.en.srt`, `${stem}.mp4`]);
    expect(readFileSync(done.subtitleFiles![1]!, 'utf8')).toMatch(/^1\r?\n00:00:00,000 --> 00:00:02,000\r?\nen line 1/);
    expect((await probe(done.filePath!)).subtitleLanguages).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
  });

  it('follows the video when its name is taken: the subtitles take its new name', async () => {
    const client = await env.client();
    const url = server.page('/subtitled.html', subtitledVideoPage('Twice', `/${FIXTURES.progressive}`, ['en']));
    const choice = { format: { kind: 'best' }, subtitles: { languages: ['en'], mode: 'file' } } as const;
    const first = await waitForJob(client, (await client.request('jobs.add', { url, choice: choice as never })).job.id, finished);
    const second = await waitForJob(client, (await client.request('jobs.add', { url, choice: choice as never })).job.id, finished);
    expect(second.filePath).toMatch(/ \(1\)\.mp4$/);
    expect(second.subtitleFiles).toEqual([second.filePath!.replace(/\.mp4$/, '.en.vtt')]);
    expect(first.subtitleFiles).toEqual([first.filePath!.replace(/\.mp4$/, '.en.vtt')]);
    // Removing a job with its file takes its subtitles too.
    await client.request('jobs.remove', { jobId: second.id, deleteFile: true });
    expect(existsSync(second.subtitleFiles![0]!)).toBe(false);
    expect(existsSync(first.subtitleFiles![0]!)).toBe(true);
    // A video the user deleted already: its subtitles still go.
    unlinkSync(first.filePath!);
    expect(await client.request('jobs.remove', { jobId: first.id, deleteFile: true })).toEqual({ jobId: first.id, fileDeleted: false });
    expect(existsSync(first.subtitleFiles![0]!)).toBe(false);
  });

  it('embeds the chosen subtitles in the mp4 as mov_text streams, leaving no file beside it', async () => {
    const client = await env.client();
    const url = server.page('/subtitled.html', subtitledVideoPage('Embedded', `/${FIXTURES.progressive}`, ['en', 'fr']));
    const choice = { format: { kind: 'best' }, subtitles: { languages: ['en', 'fr'], mode: 'embed' } } as const;
    const done = await waitForJob(client, (await client.request('jobs.add', { url, choice: choice as never })).job.id, finished);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const info = await probe(done.filePath!);
    expect(info.codecs.sort()).toEqual(['aac', 'h264', 'mov_text', 'mov_text']);
    expect(info.subtitleLanguages.sort()).toEqual(['eng', 'fra']);
    expect(done.subtitleFiles).toEqual([]);
    expect(env.downloaded()).toEqual([basename(done.filePath!)]);
  });

  it('deletes the subtitles already written with the rest when the job is cancelled', async () => {
    const client = await env.client();
    const url = server.page('/slow-subs.html', subtitledVideoPage('Slow', `/${FIXTURES.progressive}?rate=400000`, ['en']));
    const choice = { format: { kind: 'best' }, subtitles: { languages: ['en'], mode: 'file' } } as const;
    const { job } = await client.request('jobs.add', { url, choice: choice as never });
    // yt-dlp writes the subtitles before the video: wait until they are there and the video is under way.
    await waitForJob(client, job.id, (j) => (j.progress.percent ?? 0) > 5 && env.stagingFiles().some((f) => f.endsWith('.en.vtt')));
    await client.request('jobs.cancel', { jobId: job.id });
    expect(jobProcesses()).toEqual([]);
    expect(env.stagingFiles()).toEqual([]);
    expect(env.downloaded()).toEqual([]);
  });

  it('refuses a choice with a raw format expression before anything runs', async () => {
    const client = await env.client();
    await expect(
      client.request('jobs.add', { url: server.url(FIXTURES.progressive), choice: { format: { kind: 'format', formatId: 'best[ext=mp4]' } } }),
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE', field: 'params.choice.format.formatId' });
    expect((await client.request('jobs.list', {})).total).toBe(0);
  });
});

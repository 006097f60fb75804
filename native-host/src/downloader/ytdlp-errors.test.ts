import { describe, expect, it } from 'vitest';
import { type ErrorContext, aria2cReason, classifyError, errorText, readableLine, stripBoilerplate } from './ytdlp-errors';

const ctx: ErrorContext = { exitCode: 1, signal: null, ffmpegProblem: null, downloadDir: '/home/u/Downloads', freeBytes: () => 1536 };

describe('reading yt-dlp stderr', () => {
  it('keeps an error written after a carriage return (the progress line it overwrites)', () => {
    expect(readableLine('ERROR: \r[download] Got error: HTTPConnectionPool: Read timed out.')).toBe(
      'ERROR: [download] Got error: HTTPConnectionPool: Read timed out.',
    );
    expect(errorText(['[download]  10.0% of 3MiB', readableLine('ERROR: \r[download] Got error: Connection reset by peer')])).toBe(
      '[download] Got error: Connection reset by peer',
    );
  });

  it('falls back to the last lines when there is no ERROR line', () => {
    expect(errorText(['a', 'b', 'Traceback (most recent call last):', 'x', 'y', 'z', 'KeyError: 1'])).toBe(
      'Traceback (most recent call last):\nx\ny\nz\nKeyError: 1',
    );
  });

  it("strips yt-dlp's 'please report this issue' boilerplate", () => {
    const raw =
      '[generic] Unable to download webpage: HTTP Error 500: oops (caused by <HTTPError 500>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U';
    expect(stripBoilerplate(raw)).toBe('[generic] Unable to download webpage: HTTP Error 500: oops (caused by <HTTPError 500>)');
  });
});

describe('classifyError', () => {
  it.each([
    ['[download] Got error: Connection reset by peer', 'NETWORK', 'connection dropped'],
    ['[download] Got error: HTTPConnectionPool(host=127.0.0.1): Read timed out.', 'NETWORK', 'gave up'],
    ['Unable to download video data: <urlopen error [Errno 111] Connection refused>', 'NETWORK', 'Retry'],
    ['[generic] Unable to download webpage: HTTP Error 503: Service Unavailable', 'NETWORK', 'HTTP 503'],
    ['Unable to download video data: HTTP Error 403: Forbidden', 'HTTP_403', 'refused the download (HTTP 403)'],
    ['[generic] Unable to download webpage: HTTP Error 404: Not Found', 'HTTP_404', 'not there (HTTP 404)'],
    ['[youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.', 'LOGIN_REQUIRED', 'log in'],
    ['[vimeo] 123: This video is private', 'LOGIN_REQUIRED', 'log in'],
    ['[bbc] x: This video is not available in your country due to geo restriction', 'GEO_BLOCKED', 'your country'],
    ['[generic] Unsupported URL: https://example.com/', 'UNSUPPORTED_URL', 'does not know'],
    ['unable to write data: [Errno 28] No space left on device', 'DISK_FULL', '1.5 KiB free on the disk of /home/u/Downloads'],
    ['Postprocessing: ffprobe and ffmpeg not found. Please install or provide the path using --ffmpeg-location', 'FFMPEG_MISSING', 'needs ffmpeg'],
    ['something new and strange happened', 'DOWNLOAD_FAILED', 'yt-dlp could not download this video: something new'],
  ])('%s → %s', (text, code, message) => {
    const e = classifyError(text, ctx);
    expect(e.code).toBe(code);
    expect(e.message).toContain(message);
    expect(e.detail).toBe(text);
  });

  it('says a format that needs merging cannot be had without ffmpeg', () => {
    expect(
      classifyError('[info] x: Requested format is not available. Use --list-formats for a list of available formats', {
        ...ctx,
        ffmpegProblem: 'ffmpeg was not found on PATH (/usr/bin).',
      }),
    ).toMatchObject({
      code: 'FFMPEG_MISSING',
      message: expect.stringMatching(/no format that is a single file.*ffmpeg was not found on PATH/),
    });
  });

  it('names the signal or exit code when yt-dlp said nothing', () => {
    expect(classifyError('', { ...ctx, exitCode: null, signal: 'SIGKILL' })).toEqual({
      code: 'DOWNLOAD_FAILED',
      message: 'yt-dlp was stopped by SIGKILL without saying why.',
    });
    expect(classifyError('  ', { ...ctx, exitCode: 2 })).toEqual({ code: 'DOWNLOAD_FAILED', message: 'yt-dlp exited with code 2 without saying why.' });
  });
});

describe('aria2c failures', () => {
  it.each([
    [
      'Exception: [AbstractDiskWriter.cc:453] errNum=28 errorCode=9 Failed to write into the file ./part//./x.mp4.part, cause: No space left on device',
      'aria2c: errorCode=9 Failed to write into the file ./part//./x.mp4.part, cause: No space left on device',
    ],
    [
      '  -> [HttpSkipResponseCommand.cc:239] errorCode=22 The response status is not successful. status=403',
      'aria2c: errorCode=22 The response status is not successful. status=403',
    ],
    ['Exception: [DownloadCommand.cc:234] errorCode=1 Got EOF from the server.', 'aria2c: errorCode=1 Got EOF from the server.'],
    [
      '\u001b[1;31mException: [SocketCore.cc:874] errorCode=1 Failed to receive data, cause: Connection reset by peer\u001b[0m',
      'aria2c: errorCode=1 Failed to receive data, cause: Connection reset by peer',
    ],
    // Only the URL: nothing to learn from it.
    ['Exception: [AbstractCommand.cc:351] errorCode=3 URI=http://127.0.0.1:8000/a.mp4', null],
    ['11/22 07:52:36 [ERROR] CUID#7 - Download aborted. URI=http://127.0.0.1:8000/a.mp4', null],
    ['[#7fa6b7 2.7MiB/10MiB(27%) CN:8 DL:2.7MiB ETA:3s]', null],
  ])('reads %j', (line, reason) => {
    expect(aria2cReason(line)).toBe(reason);
  });

  it("puts aria2c's reasons, each once, before yt-dlp's exit line; ignores them when yt-dlp failed by itself", () => {
    const eof = 'aria2c: errorCode=1 Got EOF from the server.';
    expect(errorText([eof, 'aria2c: errorCode=1 Failed to receive data', eof, 'ERROR: aria2c exited with code 1'])).toBe(
      `${eof}\naria2c: errorCode=1 Failed to receive data\naria2c exited with code 1`,
    );
    expect(errorText([eof, 'ERROR: [generic] Unable to download webpage: HTTP Error 404: Not Found'])).toBe(
      '[generic] Unable to download webpage: HTTP Error 404: Not Found',
    );
  });

  const failed = (code: number, ...reasons: string[]) => [...reasons.map((r) => `aria2c: ${r}`), `aria2c exited with code ${code}`].join('\n');
  it.each([
    [
      failed(9, 'errorCode=9 Failed to write into the file ./part//./x.part, cause: No space left on device'),
      'DISK_FULL',
      '1.5 KiB free on the disk of /home/u/Downloads',
    ],
    [failed(9), 'DISK_FULL', 'The disk is full (1.5 KiB free'],
    [failed(3, 'errorCode=3 Resource not found'), 'HTTP_404', 'not there (HTTP 404)'],
    [failed(3), 'HTTP_404', 'not there (HTTP 404)'],
    [failed(22, 'errorCode=22 The response status is not successful. status=403'), 'HTTP_403', 'refused the download (HTTP 403)'],
    [failed(24, 'errorCode=24 Authorization failed.'), 'HTTP_403', 'refused the download'],
    [failed(24), 'HTTP_403', 'refused the download'],
    [failed(29, 'errorCode=29 The response status is not successful. status=503'), 'NETWORK', 'HTTP 503'],
    [failed(29), 'NETWORK', 'aria2c gave up'],
    [failed(22), 'NETWORK', 'aria2c gave up'],
    [failed(2), 'NETWORK', 'aria2c gave up'],
    [failed(6), 'NETWORK', 'aria2c gave up'],
    [failed(19), 'NETWORK', 'aria2c gave up'],
    [failed(1, 'errorCode=1 Got EOF from the server.'), 'NETWORK', 'connection dropped'],
    [failed(1, 'errorCode=1 Failed to receive data, cause: Connection reset by peer'), 'NETWORK', 'connection dropped'],
    [failed(1, 'errorCode=1 Something new.'), 'DOWNLOAD_FAILED', 'aria2c could not download this video: errorCode=1 Something new.'],
    [failed(1), 'DOWNLOAD_FAILED', 'aria2c could not download this video: it gave up (its status 1).'],
  ])('%j → %s', (text, code, message) => {
    const e = classifyError(text, ctx);
    expect(e).toMatchObject({ code, detail: text });
    expect(e.message).toContain(message);
    expect(e.message).not.toMatch(/exited with code/);
  });
});

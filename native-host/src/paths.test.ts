import { describe, expect, it } from 'vitest';
import { resolvePaths } from './paths';

describe('resolvePaths', () => {
  it('puts everything under VIDQUEUE_HOME when set', () => {
    expect(resolvePaths({ VIDQUEUE_HOME: '/tmp/vq' }, 'linux', '/home/u')).toMatchObject({
      dataDir: '/tmp/vq/data',
      runDir: '/tmp/vq/run',
      socket: '/tmp/vq/run/daemon.sock',
      defaultDownloadDir: '/tmp/vq/downloads',
      database: '/tmp/vq/data/vidqueue.db',
    });
  });

  it('follows XDG on Linux, and keeps the socket beside the data whatever XDG_RUNTIME_DIR says', () => {
    expect(resolvePaths({ XDG_DATA_HOME: '/data/u', XDG_DOWNLOAD_DIR: '/media/dl' }, 'linux', '/home/u')).toMatchObject({
      dataDir: '/data/u/vidqueue',
      socket: '/data/u/vidqueue/run/daemon.sock',
      defaultDownloadDir: '/media/dl',
    });
    expect(resolvePaths({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', '/home/u').socket).toBe(resolvePaths({}, 'linux', '/home/u').socket);
  });

  it('follows Application Support on macOS', () => {
    expect(resolvePaths({}, 'darwin', '/Users/u')).toMatchObject({
      dataDir: '/Users/u/Library/Application Support/VidQueue',
      defaultDownloadDir: '/Users/u/Downloads',
    });
  });

  it('keeps the socket path short enough for sun_path', () => {
    const deep = `/home/${'x'.repeat(120)}`;
    const p = resolvePaths({}, 'linux', deep);
    expect(Buffer.byteLength(p.socket)).toBeLessThanOrEqual(103);
  });
});

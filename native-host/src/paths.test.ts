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

  it('follows XDG on Linux', () => {
    expect(resolvePaths({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', '/home/u')).toMatchObject({
      dataDir: '/home/u/.local/share/vidqueue',
      socket: '/run/user/1000/vidqueue/daemon.sock',
      defaultDownloadDir: '/home/u/Downloads',
    });
    expect(resolvePaths({}, 'linux', '/home/u').socket).toBe('/home/u/.local/share/vidqueue/run/daemon.sock');
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

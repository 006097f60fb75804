import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quote } from '../../../shared/quote';
import { cmdArg, cmdSet } from './cmd';
import { install, launcherScript } from './install';

describe('Windows launcher (.cmd) quoting', () => {
  it.each([
    ['C:\\Users\\me\\VidQueue', 'set "VIDQUEUE_HOME=C:\\Users\\me\\VidQueue"'],
    // `%` would expand a variable (or eat the text): doubled, it is one literal `%`.
    ['C:\\100% sure\\vq', 'set "VIDQUEUE_HOME=C:\\100%% sure\\vq"'],
    ['C:\\%USERNAME%\\vq', 'set "VIDQUEUE_HOME=C:\\%%USERNAME%%\\vq"'],
    // Between the quotes `^ & | < > ( )` are literal, and `!` with delayed expansion off.
    ['C:\\Tom & Jerry\\a^b|c<d>e(f)\\!x!', 'set "VIDQUEUE_HOME=C:\\Tom & Jerry\\a^b|c<d>e(f)\\!x!"'],
    ['C:\\dir\\', 'set "VIDQUEUE_HOME=C:\\dir\\"'],
  ])('writes VIDQUEUE_HOME=%j as %s', (value, line) => {
    expect(cmdSet('VIDQUEUE_HOME', value)).toBe(line);
  });

  it.each([['C:\\a"b'], ['C:\\a\r\nexit /b'], ['C:\\a\nb']])(
    'refuses %j, which cannot be written between quotes, naming the variable and the value',
    (value) => {
      expect(() => cmdSet('VIDQUEUE_HOME', value)).toThrow(`Expected \`VIDQUEUE_HOME\` to be a Windows path, got ${quote(value)}`);
    },
  );

  it('quotes the program arguments for cmd and for the program: % doubled, a trailing backslash doubled', () => {
    expect(cmdArg('C:\\Program Files\\nodejs\\node.exe', 'node')).toBe('"C:\\Program Files\\nodejs\\node.exe"');
    expect(cmdArg('C:\\50%\\node.exe', 'node')).toBe('"C:\\50%%\\node.exe"');
    expect(cmdArg('C:\\odd\\', 'node')).toBe('"C:\\odd\\\\"');
    expect(() => cmdArg('C:\\a"b\\node.exe', 'the path of node')).toThrow('Expected the path of node to be a Windows path');
  });

  it('writes a launcher with delayed expansion off and every value quoted', () => {
    const script = launcherScript({
      platform: 'win32',
      nodePath: 'C:\\Program Files\\nodejs\\node.exe',
      cliPath: 'C:\\Users\\A & B\\100%\\vidqueue.js',
      env: { VIDQUEUE_HOME: 'C:\\vq %TEMP% ^ !' },
    });
    expect(script.split('\r\n')).toEqual([
      '@echo off',
      'rem Written by `vidqueue install`: browsers start this to reach VidQueue.',
      'setlocal DisableDelayedExpansion',
      'set "VIDQUEUE_HOME=C:\\vq %%TEMP%% ^ !"',
      '"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\A & B\\100%%\\vidqueue.js" host %*',
      '',
    ]);
  });

  it('install writes nothing when a value cannot be quoted', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vq-home-'));
    const o = {
      home,
      platform: 'win32' as const,
      dataDir: join(home, 'VidQueue'),
      nodePath: 'C:\\node.exe',
      cliPath: 'C:\\vq.js',
      env: { VIDQUEUE_HOME: 'C:\\a"b' },
    };
    await expect(install(o)).rejects.toThrow('Expected `VIDQUEUE_HOME` to be a Windows path');
    expect(existsSync(o.dataDir)).toBe(false);
  });

  it('refuses to write a launcher for a value with a quote, rather than one that runs something else', () => {
    expect(() => launcherScript({ platform: 'win32', nodePath: 'C:\\node.exe', cliPath: 'C:\\vq.js', env: { VIDQUEUE_YTDLP: 'C:\\x" & calc & "' } })).toThrow(
      'Expected `VIDQUEUE_YTDLP` to be a Windows path, got',
    );
  });
});

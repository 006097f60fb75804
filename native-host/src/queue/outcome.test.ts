import { describe, expect, it } from 'vitest';
import { CANCEL_SCHEDULE, KEEP_SCHEDULE } from '../terminate/kill';
import { type ExitFacts, KILL_SCHEDULE, type StopReason, decideOutcome, stopFor, strongerStop } from './outcome';

const error = () => ({ code: 'NETWORK', message: 'The connection failed' });
const facts = (f: Partial<ExitFacts>): ExitFacts => ({ exitCode: 1, file: null, stop: null, recording: false, recorded: null, error, ...f });

describe('decideOutcome', () => {
  it.each<[string, Partial<ExitFacts>, object]>([
    ['exit 0 with a file completes', { exitCode: 0, file: '/s/a.mp4' }, { kind: 'complete', file: '/s/a.mp4' }],
    ['completion wins over a cancel that came too late', { exitCode: 0, file: '/s/a.mp4', stop: 'cancel' }, { kind: 'complete' }],
    ['completion wins over a pause', { exitCode: 0, file: '/s/a.mp4', stop: 'pause' }, { kind: 'complete' }],
    ['a cancel explains a killed process', { exitCode: null, stop: 'cancel' }, { kind: 'stopped', reason: 'cancel' }],
    ['a pause explains exit 1', { exitCode: 1, stop: 'pause' }, { kind: 'stopped', reason: 'pause' }],
    ['a shutdown explains exit 0 without a file', { exitCode: 0, stop: 'shutdown' }, { kind: 'stopped', reason: 'shutdown' }],
    ['exit 1 with nothing asked fails', { exitCode: 1 }, { kind: 'fail', error: error() }],
    ['exit 0 without a file fails', { exitCode: 0 }, { kind: 'fail' }],
    // Live recordings.
    [
      'a recording stopped to keep it completes with the file yt-dlp finished',
      { exitCode: 0, file: '/s/rec.mp4', stop: 'keep', recording: true },
      { kind: 'complete', file: '/s/rec.mp4' },
    ],
    ['a recording that ends with its stream completes', { exitCode: 0, file: '/s/rec.mp4', recording: true }, { kind: 'complete', file: '/s/rec.mp4' }],
    [
      'a recording stopped to keep it, that yt-dlp did not finish, keeps what it recorded',
      { exitCode: null, stop: 'keep', recording: true, recorded: '/s/part/rec.mp4.part' },
      { kind: 'keep', file: '/s/part/rec.mp4.part', cut: 'stopped' },
    ],
    [
      'a recording stopped before anything was recorded fails, saying so',
      { exitCode: 1, stop: 'keep', recording: true },
      { kind: 'fail', error: { code: 'INTERRUPTED', message: expect.stringContaining('before anything was recorded') } },
    ],
    [
      'a cancelled recording is discarded, although yt-dlp finished its file on the interrupt',
      { exitCode: 0, file: '/s/rec.mp4', stop: 'cancel', recording: true, recorded: '/s/rec.mp4' },
      { kind: 'stopped', reason: 'cancel' },
    ],
    [
      'a recording cut short by an error keeps what it recorded',
      { exitCode: 1, recording: true, recorded: '/s/part/rec.mp4.part' },
      { kind: 'keep', file: '/s/part/rec.mp4.part', cut: 'failed' },
    ],
    ['a recording that failed before recording anything fails', { exitCode: 1, recording: true }, { kind: 'fail', error: error() }],
  ])('%s', (_name, f, expected) => {
    expect(decideOutcome(facts(f))).toMatchObject(expected);
  });
});

describe('strongerStop', () => {
  it.each<[StopReason | null, StopReason, StopReason]>([
    [null, 'shutdown', 'shutdown'],
    [null, 'cancel', 'cancel'],
    [null, 'keep', 'keep'],
    ['shutdown', 'pause', 'pause'],
    ['pause', 'cancel', 'cancel'],
    ['cancel', 'pause', 'cancel'],
    ['cancel', 'shutdown', 'cancel'],
    ['pause', 'shutdown', 'pause'],
    ['keep', 'cancel', 'cancel'],
    ['cancel', 'keep', 'cancel'],
    ['keep', 'shutdown', 'keep'],
    ['shutdown', 'keep', 'keep'],
  ])('%s then %s: %s', (current, requested, expected) => {
    expect(strongerStop(current, requested)).toBe(expected);
  });
});

describe('stopFor', () => {
  it.each<[StopReason, boolean, StopReason | null]>([
    ['cancel', false, 'cancel'],
    ['pause', false, 'pause'],
    ['shutdown', false, 'shutdown'],
    ['keep', false, null],
    ['cancel', true, 'cancel'],
    ['keep', true, 'keep'],
    ['shutdown', true, 'keep'],
    ['pause', true, 'keep'],
  ])('%s of a job that is %s recording: %s', (requested, recording, expected) => {
    expect(stopFor(requested, recording)).toBe(expected);
  });
});

describe('KILL_SCHEDULE', () => {
  it('asks a recording to end its file before anything else, and cancels without waiting', () => {
    expect(KILL_SCHEDULE.keep).toBe(KEEP_SCHEDULE);
    expect(KEEP_SCHEDULE.leaderFirstFor).toBeGreaterThan(2000);
    expect(KILL_SCHEDULE.cancel).toBe(CANCEL_SCHEDULE);
    expect(CANCEL_SCHEDULE.leaderFirstFor).toBeUndefined();
  });
});

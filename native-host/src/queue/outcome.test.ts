import { describe, expect, it } from 'vitest';
import { type ExitFacts, type StopReason, decideOutcome, strongerStop } from './outcome';

const error = () => ({ code: 'NETWORK', message: 'The connection failed' });
const facts = (f: Partial<ExitFacts>): ExitFacts => ({ exitCode: 1, file: null, stop: null, error, ...f });

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
  ])('%s', (_name, f, expected) => {
    expect(decideOutcome(facts(f))).toMatchObject(expected);
  });
});

describe('strongerStop', () => {
  it.each<[StopReason | null, StopReason, StopReason]>([
    [null, 'shutdown', 'shutdown'],
    [null, 'cancel', 'cancel'],
    ['shutdown', 'pause', 'pause'],
    ['pause', 'cancel', 'cancel'],
    ['cancel', 'pause', 'cancel'],
    ['cancel', 'shutdown', 'cancel'],
    ['pause', 'shutdown', 'pause'],
  ])('%s then %s: %s', (current, requested, expected) => {
    expect(strongerStop(current, requested)).toBe(expected);
  });
});

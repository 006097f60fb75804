import { describe, expect, it } from 'vitest';
import { JOB_ACTIONS, JOB_STATUSES, allowedActions, transition } from './job';

describe('job transitions', () => {
  it('allows the documented life of a job', () => {
    expect(transition('queued', 'start')).toMatchObject({ ok: true, to: 'downloading' });
    expect(transition('downloading', 'pause')).toMatchObject({ ok: true, to: 'paused' });
    expect(transition('paused', 'resume')).toMatchObject({ ok: true, to: 'queued' });
    expect(transition('downloading', 'complete')).toMatchObject({ ok: true, to: 'completed' });
    expect(transition('downloading', 'cancel')).toMatchObject({ ok: true, to: 'cancelled' });
    expect(transition('cancelled', 'retry')).toMatchObject({ ok: true, to: 'queued' });
    expect(transition('failed', 'retry')).toMatchObject({ ok: true, to: 'queued' });
    expect(transition('downloading', 'requeue')).toMatchObject({ ok: true, to: 'queued' });
  });

  it('refuses invalid transitions with a message that names the state', () => {
    expect(transition('completed', 'pause')).toMatchObject({ ok: false, message: expect.stringContaining('completed') });
    expect(transition('cancelled', 'cancel')).toMatchObject({ ok: false, message: 'cannot cancel a job that is cancelled' });
    expect(transition('queued', 'resume')).toMatchObject({ ok: false, message: expect.stringContaining('only paused jobs') });
    expect(transition('completed', 'retry')).toMatchObject({ ok: false });
  });

  it('never lets a completed job change', () => {
    for (const action of JOB_ACTIONS) expect(transition('completed', action).ok).toBe(false);
  });

  it('offers as user actions only what the table allows', () => {
    for (const status of JOB_STATUSES) {
      for (const action of allowedActions(status)) expect(transition(status, action).ok).toBe(true);
    }
    expect(allowedActions('downloading').sort()).toEqual(['cancel', 'pause']);
    expect(allowedActions('paused').sort()).toEqual(['cancel', 'resume']);
  });

  it('records a live stream until it is stopped (kept) or cancelled (thrown away); never paused', () => {
    expect(transition('downloading', 'record')).toMatchObject({ ok: true, to: 'recording' });
    expect(transition('recording', 'stop')).toMatchObject({ ok: true, to: 'completed' });
    expect(transition('recording', 'complete')).toMatchObject({ ok: true, to: 'completed' });
    expect(transition('recording', 'cancel')).toMatchObject({ ok: true, to: 'cancelled' });
    expect(transition('recording', 'pause')).toMatchObject({ ok: false, message: expect.stringContaining('stop the recording') });
    expect(transition('downloading', 'stop')).toMatchObject({ ok: false, message: expect.stringContaining('only a recording') });
    expect(allowedActions('recording').sort()).toEqual(['cancel', 'stop']);
  });
});

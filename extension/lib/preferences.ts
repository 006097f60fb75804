import * as v from 'valibot';
import { storage } from 'wxt/utils/storage';
import type { Notice } from '../../shared/protocol';
import type { FrameEntry, JobOrigin } from './background/page-videos';
import type { LoginMode } from './login';
import type { MediaRequest } from './media-requests';

/** The extension's own preferences (the daemon keeps the download settings). Declared once, with defaults and bounds. */
export const showPageButton = storage.defineItem<boolean>('local:showPageButton', { fallback: true });
export const notifyOnFinish = storage.defineItem<boolean>('local:notifyOnFinish', { fallback: true });

/** Cancelling a download bigger than this many MiB asks first; 0 never asks. */
export const ConfirmCancelAboveMiBSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1024 * 1024));
export const confirmCancelAboveMiB = storage.defineItem<v.InferOutput<typeof ConfirmCancelAboveMiBSchema>>('local:confirmCancelAboveMiB', { fallback: 100 });

/** "Use my browser login for downloads": never, ask for each site (default), always; and the sites allowed under "ask". */
export const loginMode = storage.defineItem<LoginMode>('local:loginMode', { fallback: 'ask' });
export const loginSites = storage.defineItem<string[]>('local:loginSites', { fallback: [] });

/** Session state the background keeps across its own restarts (an MV3 worker is stopped when idle). */
export const activeJobsHint = storage.defineItem<boolean>('session:activeJobs', { fallback: false });
export const mediaRequestsStore = storage.defineItem<Record<string, MediaRequest[]>>('session:mediaRequests', { fallback: {} });
/** What each frame's content script reported of its videos, per tab; and where page-started jobs' videos were. */
export const pageVideosStore = storage.defineItem<{ frames: Record<string, FrameEntry[]>; jobs: Record<string, JobOrigin> }>('session:pageVideos', {
  fallback: { frames: {}, jobs: {} },
});
/** What the daemon had to tell the user, until dismissed (it hands each notice out once). */
export const noticesStore = storage.defineItem<Notice[]>('session:notices', { fallback: [] });
/** The jobs each page's content script started (key: tab id and origin), the only ones it hears of. */
export const pageJobsStore = storage.defineItem<Record<string, number[]>>('session:pageJobs', { fallback: {} });

import { storage } from 'wxt/utils/storage';

/** The extension's own preferences (the daemon keeps the download settings). Declared once, with defaults. */
export const showPageButton = storage.defineItem<boolean>('local:showPageButton', { fallback: true });
export const notifyOnFinish = storage.defineItem<boolean>('local:notifyOnFinish', { fallback: true });
/** Cancelling a download bigger than this asks first; 0 never asks. */
export const confirmCancelAboveMiB = storage.defineItem<number>('local:confirmCancelAboveMiB', { fallback: 100 });

/** Session state the background keeps across its own restarts (an MV3 worker is stopped when idle). */
export const activeJobsHint = storage.defineItem<boolean>('session:activeJobs', { fallback: false });
export const mediaRequestsStore = storage.defineItem<Record<string, import('./media-requests').MediaRequest[]>>('session:mediaRequests', { fallback: {} });
/** The jobs each page's content script started (key: tab id and origin), the only ones it hears of. */
export const pageJobsStore = storage.defineItem<Record<string, number[]>>('session:pageJobs', { fallback: {} });

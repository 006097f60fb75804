import type { FrameReport } from '../view-messages';

/** A frame's last report, and the frame's own URL as the browser gave it. */
export interface FrameEntry {
  frameId: number;
  /** The frame's document URL (port sender), null when unknown. */
  frameUrl: string | null;
  report: FrameReport;
}

/** Where a page-started job's video was: to find its sources again on retry. */
export interface JobOrigin {
  tabId: number;
  frameId: number;
  key: string;
  pageUrl: string | null;
}

interface Saved {
  frames: Record<string, FrameEntry[]>;
  jobs: Record<string, JobOrigin>;
}

export interface PageVideosDeps {
  /** Session storage: an MV3 background is stopped when idle; what frames reported is kept. */
  store: { getValue(): Promise<Saved>; setValue(value: Saved): Promise<void> };
  saveDelayMs?: number;
  /** Job origins remembered, oldest forgotten first. */
  maxJobs?: number;
}

/**
 * The videos of each tab, as each of its frames' content scripts last reported them;
 * a frame's report goes when its content script does (the frame unloaded), all of a
 * tab's when the tab navigates or closes.
 */
export function createPageVideos(d: PageVideosDeps) {
  const maxJobs = d.maxJobs ?? 500;
  const byTab = new Map<number, Map<number, FrameEntry>>();
  const jobs = new Map<number, JobOrigin>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void d.store.setValue({
        frames: Object.fromEntries([...byTab].map(([tab, frames]) => [String(tab), [...frames.values()]])),
        jobs: Object.fromEntries([...jobs].map(([id, o]) => [String(id), o])),
      });
    }, d.saveDelayMs ?? 200);
  };

  return {
    /** Keeps a frame's report; true when it changed what the tab has (a report sent again is no change). */
    report(tabId: number, frameId: number, frameUrl: string | null, report: FrameReport): boolean {
      const frames = byTab.get(tabId) ?? new Map<number, FrameEntry>();
      const before = frames.get(frameId);
      const empty = report.videos.length === 0 && report.others.length === 0;
      if (empty ? !before : before?.frameUrl === frameUrl && JSON.stringify(before.report) === JSON.stringify(report)) return false;
      if (empty) frames.delete(frameId);
      else frames.set(frameId, { frameId, frameUrl, report });
      if (frames.size > 0) byTab.set(tabId, frames);
      else byTab.delete(tabId);
      save();
      return true;
    },
    /** A frame whose content script went away (the frame unloaded or navigated). */
    dropFrame(tabId: number, frameId: number): boolean {
      const gone = byTab.get(tabId)?.delete(frameId) ?? false;
      if (gone) save();
      return gone;
    },
    clearTab(tabId: number): boolean {
      const gone = byTab.delete(tabId);
      for (const [id, o] of jobs) if (o.tabId === tabId) jobs.delete(id);
      if (gone) save();
      return gone;
    },
    /** The tab's frames, the top page first. */
    frames(tabId: number): FrameEntry[] {
      return [...(byTab.get(tabId)?.values() ?? [])].sort((a, b) => a.frameId - b.frameId);
    },
    frame(tabId: number, frameId: number): FrameEntry | undefined {
      return byTab.get(tabId)?.get(frameId);
    },
    rememberJob(jobId: number, origin: JobOrigin): void {
      jobs.delete(jobId);
      jobs.set(jobId, origin);
      while (jobs.size > maxJobs) jobs.delete(jobs.keys().next().value!);
      save();
    },
    originOf(jobId: number): JobOrigin | undefined {
      return jobs.get(jobId);
    },
    /** What an earlier run of the background saved. */
    async load(): Promise<void> {
      const saved = await d.store.getValue().catch(() => null);
      for (const [tab, frames] of Object.entries(saved?.frames ?? {})) {
        if (byTab.has(Number(tab)) || !Array.isArray(frames)) continue;
        byTab.set(Number(tab), new Map(frames.map((f) => [f.frameId, f])));
      }
      for (const [id, o] of Object.entries(saved?.jobs ?? {})) if (!jobs.has(Number(id))) jobs.set(Number(id), o);
    },
  };
}

export type PageVideos = ReturnType<typeof createPageVideos>;

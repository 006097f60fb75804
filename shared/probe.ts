/**
 * What a URL offers, as the daemon's `probe` answers it: yt-dlp's view of the video (or
 * the playlist) reduced to what a person chooses from. Types only; the daemon's
 * `probe/reduce.ts` makes them.
 */

/** A size in bytes: exact (the site said), or estimated (bitrate × duration, or the site's own estimate). */
export interface ProbeSize {
  bytes: number;
  estimate: boolean;
}

export interface ProbeFormat {
  /** yt-dlp's format id: what a `{kind: 'format'}` choice names. */
  id: string;
  /** Short label: `720p`, `audio`, the site's own note. */
  label: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Codec families: `h264`, `h265`, `vp9`, `av1`…, `aac`, `opus`, `mp3`…; null when unknown or absent. */
  videoCodec: string | null;
  audioCodec: string | null;
  /** The file it makes on its own: `mp4`, `webm`, `m4a`… */
  container: string | null;
  /** Total bitrate, kbit/s, when known. */
  bitrate: number | null;
  size: ProbeSize | null;
  /** `http`, `hls`, `dash`… */
  protocol: string | null;
}

export interface ProbeEntry {
  /** 1-based position in the playlist. */
  index: number;
  id: string | null;
  title: string | null;
  /** Seconds. */
  duration: number | null;
  /** The entry's own page, when it has one; else it is downloaded as entry `index` of the playlist. */
  url: string | null;
}

export interface ProbePlaylist {
  id: string | null;
  title: string | null;
  /** Entries in the whole playlist. */
  count: number;
  /** This page of them, from `cursor`. */
  entries: ProbeEntry[];
  cursor: number;
  /** Pass as `cursor` (with the same URL) for the next page; null on the last. */
  nextCursor: number | null;
}

export interface ProbeResult {
  /** The URL probed, normalised. */
  url: string;
  /** yt-dlp's extractor (`Youtube`, `Generic`, `HTML5MediaEmbed`…). */
  extractor: string | null;
  /** True for yt-dlp's generic extractor: no site-specific knowledge, the page's own media was read. */
  generic: boolean;
  id: string | null;
  title: string | null;
  uploader: string | null;
  /** Seconds; from the site, or summed from an HLS or DASH playlist. */
  duration: number | null;
  /** An http(s) image URL. */
  thumbnail: string | null;
  isLive: boolean;
  wasLive: boolean;
  /** Best first: video by height, then audio only. Empty for a playlist. */
  formats: ProbeFormat[];
  /** What the default choice (the best video and audio) would download: what a confirmation before cancelling uses. */
  size: ProbeSize | null;
  /** Languages of the site's subtitles, and of its automatic captions. */
  subtitles: string[];
  automaticCaptions: string[];
  /** Null for a single video. */
  playlist: ProbePlaylist | null;
  /** When yt-dlp read it (epoch ms): an answer from the cache is older than the request. */
  probedAt: number;
}

/**
 * Test pages for the media server's `page(path, html)`: what yt-dlp's generic extractor
 * reads on real sites that have no extractor of their own.
 */

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Several `<video>`s on one page: yt-dlp's generic extractor reads it as a playlist, one entry a video. */
export function multiVideoPage(title: string, videos: string[]): string {
  const tags = videos.map((src) => `<video controls width="320" height="180" src="${escapeHtml(src)}"></video>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>\n${tags}\n</body></html>`;
}

/** One `<video>` with a `<track>` for each language (`/subs/<lang>.vtt` on the media server). */
export function subtitledVideoPage(title: string, video: string, languages: string[]): string {
  const tracks = languages.map((l) => `<track kind="subtitles" srclang="${escapeHtml(l)}" label="${escapeHtml(l)}" src="/subs/${escapeHtml(l)}.vtt">`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><video controls width="640" height="360" src="${escapeHtml(video)}">${tracks}</video></body></html>`;
}

/** A page with text and no media: yt-dlp has nothing to offer for it ("Unsupported URL"). */
export function pageWithoutVideo(title: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><p>Nothing to watch here.</p></body></html>`;
}

/** An RSS feed whose items link to media: the generic extractor lists them as entries with URLs of their own. */
export function rssFeed(title: string, items: { title: string; url: string }[]): string {
  const body = items.map((i) => `<item><title>${escapeHtml(i.title)}</title><link>${escapeHtml(i.url)}</link></item>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${escapeHtml(title)}</title><link>http://127.0.0.1/</link>${body}</channel></rss>`;
}

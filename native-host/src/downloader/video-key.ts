/** yt-dlp's extractors that know no site: their ids are file or page names that many sites share. */
const GENERIC = new Set(['Generic', 'HTML5MediaEmbed']);
const MAX_KEY = 2000;

export function isGenericExtractor(extractor: string): boolean {
  return GENERIC.has(extractor);
}

/**
 * What a downloaded video is remembered by, beside its extractor: the site's own id, except
 * for the generic extractors, whose ids (`video`, `index-1`: a file or a page's name) are
 * qualified by the page they come from. Pure; the probe and the runner compute it alike.
 */
export function videoKey(extractor: string, id: string, webpageUrl: string | null): string {
  return (isGenericExtractor(extractor) && webpageUrl ? `${id} ${webpageUrl}` : id).slice(0, MAX_KEY);
}

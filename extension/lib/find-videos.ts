/** Videos smaller than this are previews, avatars or ads: no button on them. */
const MIN_WIDTH = 160;
const MIN_HEIGHT = 90;

export interface FoundVideo {
  element: HTMLVideoElement;
  src: string;
  width: number;
  height: number;
}

/** The visible `<video>` elements large enough to matter, in document order. */
export function findVideos(root: ParentNode = document): FoundVideo[] {
  const out: FoundVideo[] = [];
  for (const element of root.querySelectorAll('video')) {
    const rect = element.getBoundingClientRect();
    if (rect.width < MIN_WIDTH || rect.height < MIN_HEIGHT) continue;
    const style = element.ownerDocument.defaultView?.getComputedStyle(element);
    if (style && (style.visibility === 'hidden' || style.display === 'none' || (style.opacity !== '' && Number(style.opacity) === 0))) continue;
    const src = element.currentSrc || element.src || element.querySelector('source')?.src || '';
    out.push({ element, src, width: Math.round(rect.width), height: Math.round(rect.height) });
  }
  return out;
}

/** Videos smaller than this are previews, avatars or ads: no button on them. */
const MIN_WIDTH = 160;
const MIN_HEIGHT = 90;

export interface FoundVideo {
  element: HTMLVideoElement;
  src: string;
  width: number;
  height: number;
}

/** Every `<video>` and `<audio>` under `root`, including inside open shadow roots, in tree order. */
export function findMedia(root: ParentNode = document): HTMLMediaElement[] {
  const out: HTMLMediaElement[] = [];
  const visit = (r: ParentNode, depth: number) => {
    for (const el of r.querySelectorAll<HTMLElement>('*')) {
      if (el.localName === 'video' || el.localName === 'audio') out.push(el as HTMLMediaElement);
      // Closed shadow roots stay closed: only open ones are looked into.
      if (el.shadowRoot && depth < 8) visit(el.shadowRoot, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

/** Whether a person can see it and it is large enough to matter. */
export function isVisibleVideo(element: HTMLMediaElement): boolean {
  if (element.localName !== 'video') return false;
  const rect = element.getBoundingClientRect();
  if (rect.width < MIN_WIDTH || rect.height < MIN_HEIGHT) return false;
  const style = element.ownerDocument.defaultView?.getComputedStyle(element);
  return !(style && (style.visibility === 'hidden' || style.display === 'none' || (style.opacity !== '' && Number(style.opacity) === 0)));
}

/** The visible `<video>` elements large enough to matter, in tree order (open shadow roots included). */
export function findVideos(root: ParentNode = document): FoundVideo[] {
  return findMedia(root)
    .filter(isVisibleVideo)
    .map((element) => {
      const rect = element.getBoundingClientRect();
      const src = element.currentSrc || element.src || element.querySelector('source')?.src || '';
      return { element: element as HTMLVideoElement, src, width: Math.round(rect.width), height: Math.round(rect.height) };
    });
}

import { cleanTitle } from '../../shared/title';

const MAX_LABEL = 200;
const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role="heading"]';
/** How far up the tree a label may be looked for. */
const MAX_LEVELS = 4;

const tidy = (s: string | null | undefined): string | null => {
  const t = cleanTitle(s ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, MAX_LABEL);
  return t || null;
};

/**
 * A media element's own label, the way a person would name it: its `title` or
 * `aria-label` (or what `aria-labelledby` points at), else the caption or the nearest
 * heading of the smallest container that holds it and no other media, else the `alt` of
 * a poster image there. Null when it has none: the caller numbers the page's title.
 */
export function videoLabel(el: HTMLMediaElement): string | null {
  const own = tidy(el.getAttribute('title')) ?? tidy(el.getAttribute('aria-label')) ?? labelledBy(el);
  if (own) return own;
  let box: Element | null = el.parentElement;
  for (let level = 0; box && level < MAX_LEVELS; level++, box = box.parentElement) {
    // A container holding another video labels neither.
    if ([...box.querySelectorAll('video, audio')].some((m) => m !== el)) return null;
    const found = tidy(box.querySelector('figcaption')?.textContent) ?? nearestHeading(box, el) ?? posterAlt(box);
    if (found) return found;
    if (box.localName === 'body') return null;
  }
  return null;
}

function labelledBy(el: Element): string | null {
  const ids = el.getAttribute('aria-labelledby')?.split(/\s+/).filter(Boolean) ?? [];
  const root = el.getRootNode() as Document | ShadowRoot;
  const text = ids.map((id) => root.getElementById?.(id)?.textContent ?? '').join(' ');
  return tidy(text);
}

/** The heading just before the element in the container, else the first one after it. */
function nearestHeading(box: Element, el: Element): string | null {
  const headings = [...box.querySelectorAll(HEADINGS)];
  const before = headings.filter((h) => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return tidy((before.at(-1) ?? headings.find((h) => !before.includes(h)))?.textContent);
}

function posterAlt(box: Element): string | null {
  for (const img of box.querySelectorAll('img[alt]')) {
    const alt = tidy(img.getAttribute('alt'));
    if (alt) return alt;
  }
  return null;
}

/**
 * The DOM events between the page-side probe (main world) and the content script
 * (isolated world). Both see the same DOM, so events carry the request and its answer:
 * the content script dispatches a request on an element (or the document), and the
 * probe answers synchronously, with a JSON string as `detail`, on the same target.
 * Nothing else crosses, and what crosses is re-validated: the page can see and forge
 * these events, so an answer is never more trusted than the page itself.
 */
export const PROBE_EVENTS = {
  /** On a media element (bubbles, composed: it reaches the probe from an open shadow root). */
  media: 'vidqueue-probe-media',
  /** The probe's answer, on the same element. */
  mediaReply: 'vidqueue-probe-media-reply',
  /** On the document: the manifests this frame fetched. */
  catalogue: 'vidqueue-probe-catalogue',
  catalogueReply: 'vidqueue-probe-catalogue-reply',
  /** On the document, from the probe: players or manifests changed (throttled). */
  changed: 'vidqueue-probe-changed',
} as const;

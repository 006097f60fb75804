import { describe, expect, it } from 'vitest';
import { videoLabel } from './video-label';

const labels = (html: string) => {
  document.body.innerHTML = html;
  return [...document.querySelectorAll('video')].map(videoLabel);
};

describe('videoLabel', () => {
  it("uses the video's own title or accessible name first", () => {
    expect(
      labels(`<video title="  Own   title "></video><video aria-label="Named"></video>
        <span id="a">Labelled</span><span id="b">by two</span><video aria-labelledby="a b"></video>`),
    ).toEqual(['Own title', 'Named', 'Labelled by two']);
  });

  it('takes the caption, the nearest heading or a poster image of the container that holds only it', () => {
    expect(
      labels(`
        <figure><video></video><figcaption>A caption</figcaption></figure>
        <section><h2>Far</h2><p>text</p><h3>Near</h3><div><video></video></div><h3>After</h3></section>
        <div class="card"><video></video><h4>Below it</h4></div>
        <div><img alt="Sunset over the bay" src="p.jpg"><video></video></div>
        <div><video></video></div>`),
    ).toEqual(['A caption', 'Near', 'Below it', 'Sunset over the bay', null]);
  });

  it('never takes a label shared with another video', () => {
    expect(labels('<section><h2>Two clips</h2><video></video><video></video></section>')).toEqual([null, null]);
  });

  it('takes the page heading when the page has just this one video', () => {
    expect(labels('<h1>The only clip</h1><video></video>')).toEqual(['The only clip']);
  });

  it('removes control characters and bidirectional overrides, and bounds the length', () => {
    const [label] = labels(`<video title="evil\u202Egnp.exe\u0007 ${'x'.repeat(500)}"></video>`);
    expect(label).toMatch(/^evilgnp\.exe x+$/);
    expect(label!.length).toBe(200);
  });
});

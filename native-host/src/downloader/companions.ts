import { promises as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isSubtitleName } from './file-types';
import { moveIntoPlace } from './files';

/**
 * The subtitle files yt-dlp saved beside a video in its staging folder
 * (`<video stem>.<lang>.<ext>`), and the names they take beside the video's final name:
 * `clip [id].en.srt` follows `clip [id] (1).mp4` as `clip [id] (1).en.srt`. Pure.
 */
export function subtitleMoves(videoName: string, names: string[], finalVideoName: string): { from: string; to: string }[] {
  const stem = videoName.slice(0, videoName.length - extname(videoName).length);
  const finalStem = finalVideoName.slice(0, finalVideoName.length - extname(finalVideoName).length);
  return names
    .filter((n) => n !== videoName && n.startsWith(`${stem}.`) && isSubtitleName(n))
    .sort()
    .map((n) => ({ from: n, to: finalStem + n.slice(stem.length) }));
}

/**
 * Moves the video's subtitle files out of its staging folder beside the final file, under
 * names that never overwrite; only real files of the staging folder itself, never a link.
 * Returns their final paths. One that cannot be moved stays (and goes with the folder); this
 * never throws.
 */
export async function moveSubtitles(stagingVideo: string, finalVideo: string, warn: (message: string, err: unknown) => void): Promise<string[]> {
  const dir = dirname(stagingVideo);
  const moved: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    // The video is in place already: its subtitles are not worth failing it for.
    warn(`could not look for subtitles in ${dir}`, err);
    return moved;
  }
  for (const { from, to } of subtitleMoves(basename(stagingVideo), names, basename(finalVideo))) {
    const src = join(dir, from);
    try {
      const st = await fs.lstat(src);
      if (!st.isFile() || st.nlink > 1) continue;
      moved.push(await moveIntoPlace(src, dirname(finalVideo), to));
    } catch (err) {
      warn(`could not move the subtitles ${from}`, err);
    }
  }
  return moved;
}

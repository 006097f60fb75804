import { extname } from 'node:path';
import { VidQueueError } from '../../../shared/errors';
import { quote } from '../../../shared/quote';

/**
 * The only kinds of file VidQueue keeps or opens: video and audio containers, and subtitles.
 * A server picks a download's name, and with it its extension: a `.desktop`, `.sh` or `.exe`
 * handed to the desktop's opener would run. Whatever yt-dlp version is installed (before
 * 2024.07.01 it let the server choose), nothing else leaves the staging folder.
 */
const MEDIA = [
  'mp4',
  'm4v',
  'm4a',
  'mov',
  'webm',
  'mkv',
  'mka',
  'mk3d',
  'ogg',
  'ogv',
  'oga',
  'opus',
  'mp3',
  'aac',
  'flac',
  'wav',
  'aiff',
  'aif',
  'alac',
  'wma',
  'wmv',
  'asf',
  'avi',
  'flv',
  'f4v',
  '3gp',
  '3g2',
  'ts',
  'mts',
  'm2ts',
  'mpg',
  'mpeg',
  'vob',
  'ac3',
  'eac3',
  'dts',
  'caf',
  'amr',
  'weba',
];
const SUBTITLES = ['srt', 'vtt', 'ass', 'ssa', 'lrc', 'ttml', 'dfxp', 'sbv', 'sub'];
const ALLOWED = new Set([...MEDIA, ...SUBTITLES]);

/** The file's extension, lower case, without the dot ('' when it has none). */
function extensionOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}

export function isSubtitleName(name: string): boolean {
  return SUBTITLES.includes(extensionOf(name));
}

export function isSafeMediaName(name: string): boolean {
  return ALLOWED.has(extensionOf(name));
}

/** Throws UNSAFE_FILE_TYPE, naming the file and its extension, unless it is a media or subtitle file. */
export function assertSafeMediaName(name: string): void {
  if (isSafeMediaName(name)) return;
  const ext = extensionOf(name);
  throw new VidQueueError(
    'UNSAFE_FILE_TYPE',
    `The server sent a file named ${quote(name)}, whose type ${ext ? `".${ext}"` : '(no extension)'} is not a video, audio or subtitle file; it was not kept, since opening it could run a program.`,
  );
}

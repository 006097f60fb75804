import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';

export interface Probe {
  formatName: string;
  duration: number;
  codecs: string[];
  /** The first video stream's height, null without one. */
  height: number | null;
  /** Languages of the subtitle streams (mov_text in mp4), as tagged. */
  subtitleLanguages: string[];
}

/** ffprobe's view of a file: it must open, have streams and a duration. */
export async function probe(file: string): Promise<Probe> {
  const { stdout } = await execa('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const info = JSON.parse(stdout) as {
    format: { format_name: string; duration: string };
    streams: { codec_name: string; codec_type: string; height?: number; tags?: { language?: string } }[];
  };
  return {
    formatName: info.format.format_name,
    duration: Number(info.format.duration),
    codecs: info.streams.map((s) => s.codec_name),
    height: info.streams.find((s) => s.codec_type === 'video')?.height ?? null,
    subtitleLanguages: info.streams.filter((s) => s.codec_type === 'subtitle').map((s) => s.tags?.language ?? 'und'),
  };
}

/** Decodes the whole file: catches truncation that a header-only probe misses. */
export async function decodesCleanly(file: string): Promise<boolean> {
  const r = await execa('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { reject: false });
  return r.exitCode === 0 && r.stderr.trim() === '';
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

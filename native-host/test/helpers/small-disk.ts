import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** A real filesystem of `mib` MiB of our own (tmpfs), to fill up. Needs root, as CI runs. */
export async function mountSmallDisk(
  mib: number,
): Promise<{ dir: string; free(): number; fill(leave: number): void; unfill(): void; unmount(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vq-disk-'));
  const r = await execa('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0700`, 'tmpfs', dir], { reject: false });
  if (r.exitCode !== 0) throw new Error(`cannot mount a ${mib} MiB tmpfs at ${dir} (the disk-full tests need root): ${r.stderr}`);
  const filler = join(dir, 'filler');
  const free = () => {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  };
  return {
    dir,
    free,
    /** Fills the disk until only `leave` bytes are free. */
    fill(leave) {
      writeFileSync(filler, Buffer.alloc(Math.max(0, free() - leave)));
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    async unmount() {
      await execa('umount', ['-l', dir], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

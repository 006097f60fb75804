import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

export interface GroupMember {
  pid: number;
  /** The command line, NUL-separated arguments joined by spaces. */
  cmdline: string;
  /** The program's name: what the system calls it (a script's own name, not its interpreter's), else the first argument's base name. */
  name: string;
  /** Its working directory, where the system says (Linux); null elsewhere. */
  cwd: string | null;
}

/**
 * The live (non-zombie) processes of a process group. A zombie is dead already: it only
 * waits for its parent to reap it, holds no file open and does nothing.
 */
export function groupMembers(pgid: number): GroupMember[] {
  if (!signalGroup(pgid, 0)) return [];
  if (process.platform === 'linux') return linuxMembers(pgid);
  if (process.platform === 'win32') return [];
  return psMembers(pgid);
}

export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  // kill(-pgid, 0) also succeeds for zombies; on Linux look closer.
  return process.platform === 'linux' ? linuxMembers(pgid).length > 0 : true;
}

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Refusing to signal process group ${pgid}`);
  if (process.platform === 'win32') return signalTreeWindows(pgid, signal);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // exists, but not ours to signal
    throw err;
  }
}

/**
 * Sends `signal` to the group's leader alone (its pid is the group's id); false when it is
 * gone. Its children hear of it from the leader, not from us.
 */
export function signalLeader(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`Refusing to signal process ${pgid}`);
  try {
    process.kill(pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

function linuxMembers(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || Number(fields[2]) !== pgid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // not ours to read
    }
    members.push({ pid: Number(entry), cmdline, cwd, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
  }
  return members;
}

function psMembers(pgid: number): GroupMember[] {
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,command='], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === pgid && !m[3]!.startsWith('Z'))
      .map((m) => ({ pid: Number(m[1]), cmdline: m[4]!, cwd: null, name: basename(m[4]!.split(' ')[0] ?? '') }));
  } catch {
    return [];
  }
}

/** Windows has no process groups to signal: taskkill ends the tree rooted at the leader. */
function signalTreeWindows(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (signal === 0) return true;
  try {
    execFileSync('taskkill', ['/PID', String(pid), '/T', ...(signal === 'SIGKILL' || signal === 'SIGTERM' ? ['/F'] : [])], { stdio: 'ignore' });
  } catch {
    // Already gone, or a gentle request that was not honoured: the escalation follows.
  }
  return true;
}

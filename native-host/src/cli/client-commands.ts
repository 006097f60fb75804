import type { Socket } from 'node:net';
import { VidQueueError } from '../../../shared/errors';
import { type Job, PRESETS, type Preset, isFinished } from '../../../shared/job';
import { quote } from '../../../shared/quote';
import { SETTING_KEYS, type SettingKey, type Settings, SettingsSchema } from '../../../shared/settings';
import { checkDownloadUrl } from '../../../shared/url';
import { DaemonClient, connectSocket } from '../daemon/client';
import { resolvePaths } from '../paths';
import { COMMANDS } from './commands';
import { EXIT } from './exit-codes';
import { jobLine, printable, probeSummary, progressLine, toolsReport } from './format';
import { parse } from './parse';
import { UsageError } from './usage-error';
import { tellNotices, withClient } from './with-client';

export const CLIENT_COMMANDS = [
  'add',
  'probe',
  'ls',
  'list',
  'cancel',
  'pause',
  'resume',
  'retry',
  'stop-recording',
  'top',
  'rm',
  'clear',
  'settings',
  'stop',
  'tools',
];

/** Commands that talk to the daemon (starting it when needed, except `stop`). */
export async function clientCommand(command: string, args: string[], cliPath: string): Promise<number> {
  const json = args.includes('--json');
  try {
    return await run(command, args, cliPath);
  } catch (err) {
    if (err instanceof VidQueueError) {
      if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
      else process.stderr.write(`vidqueue: ${err.code}: ${err.message}\n`);
      return err.code === 'DAEMON_UNAVAILABLE' ? EXIT.UNAVAILABLE : EXIT.REFUSED;
    }
    throw err;
  }
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const printJob = (job: Job, json: boolean, verb: string) => out(json ? JSON.stringify({ job }) : `${verb} job ${job.id}: ${job.status}`);

function jobId(value: string | undefined): number {
  if (value === undefined) throw new UsageError('Missing job ID');
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`Expected a job ID (a positive whole number), got ${quote(value)}`);
  return id;
}

async function run(command: string, args: string[], cliPath: string): Promise<number> {
  switch (command) {
    case 'add': {
      const { values, positionals } = parse(args, COMMANDS.add);
      const url = positionals[0];
      if (!url) throw new UsageError('Missing URL: vidqueue add URL');
      const check = checkDownloadUrl(url);
      if (!check.ok) throw new VidQueueError(check.code, check.message, 'url');
      if (values.preset !== undefined && !PRESETS.includes(values.preset as Preset)) {
        throw new UsageError(`Unknown preset ${quote(values.preset)} for \`--preset\`; expected one of ${PRESETS.join(', ')}`);
      }
      return withClient(cliPath, async (client) => {
        if (values.wait) await client.request('subscribe', {});
        const { job } = await client.request('jobs.add', {
          url: check.url,
          preset: values.preset as Preset | undefined,
          pageUrl: values['page-url'],
          title: values.title,
        });
        if (!values.wait) {
          printJob(job, values.json === true, 'added');
          return EXIT.OK;
        }
        return await waitFor(client, job, values.json === true);
      });
    }
    case 'probe': {
      const { values, positionals } = parse(args, COMMANDS.probe);
      const url = positionals[0];
      if (!url) throw new UsageError('Missing URL: vidqueue probe URL');
      const check = checkDownloadUrl(url);
      if (!check.ok) throw new VidQueueError(check.code, check.message, 'url');
      const page = values['page-url'] === undefined ? null : checkDownloadUrl(values['page-url'], '--page-url');
      if (page && !page.ok) throw new VidQueueError(page.code, page.message, 'pageUrl');
      return withClient(cliPath, async (client) => {
        const params = { url: check.url, pageUrl: page?.url ?? null };
        const result = await client.request('probe', { ...params, fresh: values.fresh === true });
        // A playlist's entries come in pages: all of them are printed.
        while (result.playlist?.nextCursor != null) {
          const next = await client.request('probe', { ...params, cursor: result.playlist.nextCursor, limit: 500 });
          result.playlist.entries.push(...(next.playlist?.entries ?? []));
          result.playlist.nextCursor = next.playlist?.nextCursor ?? null;
        }
        out(values.json ? JSON.stringify({ probe: result }) : probeSummary(result));
        return EXIT.OK;
      });
    }
    case 'ls':
    case 'list': {
      const { values } = parse(args, COMMANDS.ls);
      return withClient(cliPath, async (client) => {
        const jobs: Job[] = [];
        let cursor: number | null = 0;
        while (cursor !== null) {
          const page: { jobs: Job[]; nextCursor: number | null } = await client.request('jobs.list', { cursor, limit: 500 });
          jobs.push(...page.jobs);
          cursor = page.nextCursor;
        }
        if (values.json) out(JSON.stringify({ jobs }));
        else if (jobs.length === 0) out('No jobs.');
        else for (const j of jobs) out(jobLine(j));
        return EXIT.OK;
      });
    }
    case 'cancel': {
      const { values, positionals } = parse(args, COMMANDS.cancel);
      if (values.all && positionals.length > 0) throw new UsageError('Give a job ID or --all, not both');
      // Checked before connecting: a typo must not start the daemon.
      const id = values.all ? 0 : jobId(positionals[0]);
      return withClient(cliPath, async (client) => {
        if (values.all) {
          const { jobIds } = await client.request('jobs.cancelAll', {});
          out(values.json ? JSON.stringify({ jobIds }) : `cancelled ${jobIds.length} job(s)${jobIds.length ? `: ${jobIds.join(', ')}` : ''}`);
          return EXIT.OK;
        }
        const { job } = await client.request('jobs.cancel', { jobId: id });
        printJob(job, values.json === true, 'cancelled');
        return EXIT.OK;
      });
    }
    case 'pause':
    case 'resume':
    case 'retry':
    case 'top': {
      const { values, positionals } = parse(args, COMMANDS[command]);
      const id = jobId(positionals[0]);
      const type = ({ pause: 'jobs.pause', resume: 'jobs.resume', retry: 'jobs.retry', top: 'jobs.moveToTop' } as const)[command];
      return withClient(cliPath, async (client) => {
        const { job } = await client.request(type, { jobId: id });
        printJob(job, values.json === true, ({ pause: 'paused', resume: 'resumed', retry: 'retried', top: 'moved to top' } as const)[command]);
        return EXIT.OK;
      });
    }
    case 'stop-recording': {
      const { values, positionals } = parse(args, COMMANDS['stop-recording']);
      const id = jobId(positionals[0]);
      return withClient(cliPath, async (client) => {
        const { job } = await client.request('jobs.stopRecording', { jobId: id });
        out(values.json ? JSON.stringify({ job }) : `stopped recording job ${job.id}: ${job.status}${job.filePath ? `, kept as ${job.filePath}` : ''}`);
        return EXIT.OK;
      });
    }
    case 'rm': {
      const { values, positionals } = parse(args, COMMANDS.rm);
      const id = jobId(positionals[0]);
      return withClient(cliPath, async (client) => {
        const result = await client.request('jobs.remove', { jobId: id, deleteFile: values['delete-file'] === true });
        out(values.json ? JSON.stringify(result) : `removed job ${id}${result.fileDeleted ? ' and its file' : ''}`);
        return EXIT.OK;
      });
    }
    case 'clear': {
      const { values } = parse(args, COMMANDS.clear);
      return withClient(cliPath, async (client) => {
        const { jobIds } = await client.request('jobs.clear', {});
        out(values.json ? JSON.stringify({ jobIds }) : `removed ${jobIds.length} finished job(s) from the history`);
        return EXIT.OK;
      });
    }
    case 'settings': {
      const { values, positionals } = parse(args, COMMANDS.settings);
      const [key, value] = positionals;
      if (key !== undefined && !SETTING_KEYS.includes(key as SettingKey)) {
        throw new UsageError(`Unknown setting ${quote(key)}; expected one of ${SETTING_KEYS.join(', ')}`);
      }
      return withClient(cliPath, async (client) => {
        let settings: Settings;
        if (value !== undefined) {
          settings = (await client.request('settings.set', { settings: { [key!]: settingValue(key as SettingKey, value) } })).settings;
        } else {
          settings = (await client.request('settings.get', {})).settings;
        }
        if (key !== undefined) out(values.json ? JSON.stringify({ [key]: settings[key as SettingKey] }) : String(settings[key as SettingKey]));
        else
          out(
            values.json
              ? JSON.stringify({ settings })
              : Object.entries(settings)
                  .map(([k, v]) => `${k} = ${v}`)
                  .join('\n'),
          );
        return EXIT.OK;
      });
    }
    case 'tools': {
      const { values, positionals } = parse(args, COMMANDS.tools);
      const action = positionals[0];
      if (action !== undefined && action !== 'update' && action !== 'use-system') {
        throw new UsageError(`Unknown tools action ${quote(action)}; expected update or use-system`);
      }
      if (values.channel !== undefined && (action !== 'update' || !['stable', 'nightly'].includes(values.channel))) {
        throw new UsageError(`\`--channel\` goes with \`tools update\` and is stable or nightly, got ${quote(values.channel)}`);
      }
      return withClient(cliPath, async (client) => {
        const report =
          action === 'update'
            ? await client.request('tools.update', values.channel ? { channel: values.channel as 'stable' | 'nightly' } : {})
            : action === 'use-system'
              ? await client.request('tools.useSystem', {})
              : await client.request('tools.status', {});
        if (values.json) out(JSON.stringify(report));
        else {
          if (action === 'update') out('updated' in report && report.updated ? 'yt-dlp updated.' : 'yt-dlp is up to date.');
          out(toolsReport(report));
        }
        return EXIT.OK;
      });
    }
    case 'stop': {
      parse(args, COMMANDS.stop);
      const paths = resolvePaths();
      let socket: Socket;
      try {
        socket = await connectSocket(paths.socket);
      } catch {
        out('The daemon is not running.');
        return EXIT.OK;
      }
      const client = await DaemonClient.fromSocket(socket, 'cli');
      await tellNotices(client);
      const closed = new Promise<void>((r) => client.once('close', () => r()));
      await client.request('daemon.stop', {});
      // Running downloads stop and go back to the queue; they resume at the next start.
      await closed;
      out('The daemon stopped.');
      return EXIT.OK;
    }
  }
  throw new UsageError(`Unknown command \`${command}\``);
}

/** Numbers for numeric settings; the daemon validates the rest and names what it refuses. */
/** A value from the command line, typed as the setting's schema says; the daemon checks the rest. */
function settingValue(key: SettingKey, value: string): unknown {
  const type = SettingsSchema.entries[key].type;
  if (type === 'boolean') {
    if (/^(true|on|yes|1)$/i.test(value)) return true;
    if (/^(false|off|no|0)$/i.test(value)) return false;
    throw new UsageError(`Expected \`${key}\` to be true or false, got ${quote(value)}`);
  }
  if (type !== 'number') return value;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`Expected \`${key}\` to be a whole number, got ${quote(value)}`);
  return Number(value);
}

/** `add --wait`: show progress until the job ends; Ctrl+C cancels it in the daemon. */
async function waitFor(client: DaemonClient, job: Job, json: boolean): Promise<number> {
  const tty = process.stderr.isTTY === true;
  let last = job;
  let interrupted = false;
  const done = new Promise<Job>((resolve, reject) => {
    client.on('event', (e) => {
      if (e.event !== 'job.updated' || e.data.job.id !== job.id) return;
      last = e.data.job;
      if (!json) process.stderr.write(tty ? `\r\x1b[K${progressLine(last)}` : `${progressLine(last)}\n`);
      if (isFinished(last.status)) resolve(last);
    });
    client.on('close', () => reject(new VidQueueError('DAEMON_UNAVAILABLE', 'The daemon went away while waiting for the job')));
  });
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    if (!json) process.stderr.write(`\ncancelling job ${job.id}…\n`);
    client.request('jobs.cancel', { jobId: job.id }).catch(() => {});
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const end = await done;
    if (tty && !json) process.stderr.write('\n');
    if (json) out(JSON.stringify({ job: end }));
    else if (end.status === 'completed') out(end.filePath ?? '');
    else if (end.status === 'failed') process.stderr.write(`vidqueue: job ${end.id} failed: ${end.error?.code}: ${printable(end.error?.message ?? '')}\n`);
    if (end.status === 'completed') return EXIT.OK;
    if (end.status === 'failed') return EXIT.JOB_FAILED;
    return interrupted ? EXIT.INTERRUPTED : EXIT.JOB_CANCELLED;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

import type { DoctorReport } from '../../../shared/doctor';
import { doctorReport } from '../doctor/context';
import { resolvePaths } from '../paths';
import { EXIT } from './exit-codes';
import { checkExtensionIds } from './install-command';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

function formatReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix) lines.push(`    fix: ${c.fix}`);
  }
  const fails = report.checks.filter((c) => c.status === 'fail').length;
  const warns = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    fails
      ? `${fails} problem(s) to fix${warns ? `, ${warns} warning(s)` : ''}.`
      : warns
        ? `Ready, with ${warns} warning(s).`
        : 'Everything VidQueue needs is in place.',
  );
  return `${lines.join('\n')}\n`;
}

/** `vidqueue doctor [--json] [--extension-id ID]… [--dev]`: what works, what does not, and the fix. */
export async function doctorCommand(o: { json: boolean; extensionIds?: string[]; dev?: boolean }): Promise<number> {
  checkExtensionIds(o.extensionIds);
  const report = await doctorReport(resolvePaths(), o.extensionIds, o.dev);
  process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return report.ok ? EXIT.OK : EXIT.CHECKS_FAILED;
}

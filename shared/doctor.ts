/** `vidqueue doctor`: one check of what VidQueue needs, with the fix for a failure. */
export interface DoctorCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to run or do; set on every warning and failure. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

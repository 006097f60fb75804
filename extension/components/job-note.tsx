/** Something the user should know about a job that did not fail: quiet, one line, whole text on hover. */
export function JobNote({ note }: { note: string }) {
  return (
    <span class="job-note" title={note}>
      {note}
    </span>
  );
}

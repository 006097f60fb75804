/** A mistake on the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {}

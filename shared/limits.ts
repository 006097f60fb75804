/** Protocol constants, kept apart from the schemas so the bridge loads no validation code. */
export const PROTOCOL_VERSION = 1;
/** Native messaging caps what the host may send the browser at 1 MiB a message. */
export const MAX_MESSAGE_TO_BROWSER = 1024 * 1024;
/** The largest request anyone may send; refused before it is buffered. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Largest page of jobs a list reply carries. */
export const MAX_PAGE_SIZE = 500;
export const MAX_TITLE_LENGTH = 1000;

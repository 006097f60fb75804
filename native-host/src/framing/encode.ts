import { endianness } from 'node:os';

/** Native messaging puts the body's length first, 4 bytes in the machine's own byte order. */
const LITTLE_ENDIAN = endianness() === 'LE';
export const HEADER_BYTES = 4;

function writeLength(header: Buffer, length: number): void {
  if (LITTLE_ENDIAN) header.writeUInt32LE(length, 0);
  else header.writeUInt32BE(length, 0);
}

export function readLength(header: Buffer, offset = 0): number {
  return LITTLE_ENDIAN ? header.readUInt32LE(offset) : header.readUInt32BE(offset);
}

/** One frame: length header + UTF-8 JSON, in a single buffer so it is written in one call. */
export function encodeFrame(message: unknown): Buffer {
  const json = JSON.stringify(message);
  const bodyLength = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  writeLength(frame, bodyLength);
  frame.write(json, HEADER_BYTES, 'utf8');
  return frame;
}

/** A body already encoded (relayed as it came): its header in front, in one buffer. */
export function frameBody(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  writeLength(frame, body.length);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

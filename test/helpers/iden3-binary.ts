import { closeSync, openSync, readSync } from "node:fs";

/**
 * Finds a section of an iden3 binary file (r1cs, zkey, wtns: a 4-byte magic, version, section count, then
 * sections of [type u32, size u64, data]) and reads from it, without loading the file.
 *
 * @returns `read(data offset, readBytes)` of the first section of that type, or throws naming the file
 */
export function withSection<T>(path: string, type: number, readFrom: (dataOffset: number, read: (position: number, length: number) => Buffer) => T): T {
  const fd = openSync(path, "r");
  try {
    const read = (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      return buffer;
    };
    const sections = read(8, 4).readUInt32LE(0);
    let offset = 12;
    for (let i = 0; i < sections; i++) {
      const head = read(offset, 12);
      if (head.readUInt32LE(0) === type) return readFrom(offset + 12, read);
      offset += 12 + Number(head.readBigUInt64LE(4));
    }
    throw new Error(`${path} has no section of type ${type}`);
  } finally {
    closeSync(fd);
  }
}

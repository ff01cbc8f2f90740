import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bn128Code, readPrebuilt, writePrebuiltBn128, type PrebuiltLocation } from "../prover/src/prover/kernels/bn128-module.ts";

// The installed package reads the bn128 module build:dist generated instead of generating it (~130 ms of a
// one-shot command): only bytes made by the installed generator, and only intact ones.

const dir = mkdtempSync(join(tmpdir(), "zkm-bn128-"));
const at: PrebuiltLocation = { code: pathToFileURL(join(dir, "bn128.wasm")), stamp: pathToFileURL(join(dir, "bn128.json")) };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("The prebuilt bn128 module", () => {
  it("Should be what generating gives, byte for byte, and be read back while its stamp holds", async () => {
    await writePrebuiltBn128(at);
    const generated = await bn128Code();
    expect(Buffer.from(readFileSync(at.code)).equals(Buffer.from(generated))).toBe(true);
    expect(Buffer.from(readPrebuilt(at)!).equals(Buffer.from(generated))).toBe(true);
    expect(JSON.parse(readFileSync(at.stamp, "utf8")).generator).toMatch(/^ffjavascript \d+\.\d+\.\d+, wasmcurves \d+\.\d+\.\d+$/);
  });

  it("Should be passed over when another generator made it, when its bytes changed, or when a file is missing", async () => {
    await writePrebuiltBn128(at);
    const stamp = JSON.parse(readFileSync(at.stamp, "utf8")) as { generator: string; sha256: string };
    writeFileSync(at.stamp, JSON.stringify({ ...stamp, generator: stamp.generator.replace(/wasmcurves \S+/, "wasmcurves 0.0.1") }));
    expect(readPrebuilt(at)).toBeUndefined();
    writeFileSync(at.stamp, JSON.stringify(stamp));
    const code = readFileSync(at.code);
    code[100] ^= 1;
    writeFileSync(at.code, code);
    expect(readPrebuilt(at)).toBeUndefined();
    rmSync(at.code.pathname);
    expect(readPrebuilt(at)).toBeUndefined();
    writeFileSync(at.stamp, "not json");
    expect(readPrebuilt(at)).toBeUndefined();
  });
});

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { produceAtomic, writeFileAtomic } from "../../prover/src/build/files.ts";
import { projectPath } from "../../prover/src/build/paths.ts";

// Every artifact and proof file is written to a temporary sibling and renamed: a reader never sees half a
// file under the final name, whatever happens to the writer.
describe("Atomic writes", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zkmargin-atomic-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Should never show a partial file under the final name when the writer is killed mid-write", async () => {
    const target = join(dir, "big.bin");
    const script = join(dir, "writer.mts");
    writeFileSync(script, `import { writeFileAtomic } from ${JSON.stringify(pathToFileURL(projectPath("prover", "src", "build", "files.ts")).href)};\nwriteFileAtomic(${JSON.stringify(target)}, Buffer.alloc(256 * 1024 * 1024, 7));\n`);
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: projectPath(), stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    // Kill as soon as the temporary file exists and holds some bytes (the write is under way).
    let sawTemporary = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const temporary = readdirSync(dir).find((name) => name.startsWith("big.bin.tmp-"));
      if (temporary && statSync(join(dir, temporary), { throwIfNoEntry: false })?.size) {
        sawTemporary = true;
        child.kill("SIGKILL");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await exited;
    expect(sawTemporary).toBe(true);
    expect(existsSync(target)).toBe(false);
    // What a SIGKILL leaves is a temporary sibling (*.tmp-*, git-ignored), never the final name.
    expect(readdirSync(dir).filter((name) => name.startsWith("big.bin")).every((name) => /^big\.bin\.tmp-\d+-[0-9a-z]+$/.test(name))).toBe(true);
  });

  it("Should remove the temporary file when the rename fails", () => {
    const target = join(dir, "taken");
    mkdirSync(join(target, "inside"), { recursive: true });
    expect(() => writeFileAtomic(target, "data")).toThrow();
    expect(readdirSync(dir).filter((name) => name.startsWith("taken."))).toEqual([]);
  });

  it("Should leave nothing when the producing step fails after writing part of its output", async () => {
    const target = join(dir, "key.zkey");
    await expect(produceAtomic(target, async (temporary) => {
      writeFileSync(temporary, "half a key");
      throw new Error("contribution interrupted");
    })).rejects.toThrow(/contribution interrupted/);
    expect(readdirSync(dir).filter((name) => name.startsWith("key.zkey"))).toEqual([]);
  });
});

import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as browser from "../../prover/src/browser.ts";
import { projectPath } from "../../prover/src/build/paths.ts";
import { missingPackages, requireNode, requirePackages } from "../../prover/src/core/runtime.ts";
import * as sdk from "../../prover/src/index.ts";

// The package's entry points (package.json "exports"), checked on the sources without packing (the consumer
// test packs and installs them): what the browser entry reaches, and the one-line checks of Node and of the
// optional peer dependencies.

/** Every module `entry` reaches through static and literal dynamic imports, and the packages it imports. */
function reach(entry: string): { modules: string[]; packages: string[] } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\b)[^"';]*?from\s*"([^"]+)"|import\s*\(\s*"([^"]+)"\s*\)|(?:^|\n)\s*import\s*"([^"]+)"/g)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier.startsWith(".")) walk(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  walk(entry);
  return { modules: [...modules], packages: [...packages].sort() };
}

describe("# package entry points", () => {
  it("Should keep every Node built-in out of what zkmargin/browser reaches", () => {
    const { modules, packages } = reach(projectPath("prover", "src", "browser.ts"));
    const builtins = new Set(builtinModules);
    expect(packages.filter((name) => name.startsWith("node:") || builtins.has(name))).toEqual([]);
    // Only runtime dependencies of the package (no peer or development one), e.g. @noble/hashes, poseidon-lite.
    const dependencies = Object.keys((JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies);
    const root = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
    expect(packages.filter((name) => !dependencies.includes(root(name)))).toEqual([]);
    expect(modules.map((path) => path.slice(projectPath("prover", "src").length + 1)).filter((path) => /^(build|prover\/warm|artifacts\/store|statements\/(load|proof-file\.ts))/.test(path))).toEqual([]);
  });

  it("Should export from the browser entry nothing that the SDK entry lacks", () => {
    expect(Object.keys(browser).filter((name) => !(name in sdk))).toEqual([]);
  });

  it("Should refuse an older Node and a missing optional package with one line naming what to do", () => {
    expect(() => requireNode("999.0.0", "the demo (Hardhat 3)")).toThrow(/^the demo \(Hardhat 3\) needs Node >= 999\.0\.0; this is Node \d+\.\d+\.\d+ \(the npm package node@24/);
    expect(() => requireNode("20.0.0", "zkmargin")).not.toThrow();
    expect(missingPackages(["snarkjs", "zkmargin-no-such-package"])).toEqual(["zkmargin-no-such-package"]);
    expect(() => requirePackages(["zkmargin-no-such-package"], "the demo")).toThrow(/^the demo needs the npm package zkmargin-no-such-package \(optional peer dependency of zkmargin: proving needs none\): npm install --save-dev zkmargin-no-such-package$/);
  });

  it("Should list in package.json exports every entry the build compiles, and ship no TypeScript source", () => {
    const pkg = JSON.parse(readFileSync(projectPath("package.json"), "utf8")) as { exports: Record<string, unknown>; files: string[]; dependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional: boolean }> };
    const build = JSON.parse(readFileSync(projectPath("tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, "")) as { files: string[] };
    for (const entry of ["index", "browser", "hardhat"]) expect(build.files).toContain(`prover/src/${entry}.ts`);
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./browser", "./hardhat", "./contracts/*.sol", "./circuits/*.circom"]));
    expect(pkg.files.filter((pattern) => pattern.startsWith("prover") || pattern.startsWith("test") || pattern.startsWith("web"))).toEqual([]);
    for (const heavy of ["hardhat", "solc", "circom2", "tsx", "ethers", "@nomicfoundation/hardhat-ethers"]) expect(pkg.dependencies[heavy], heavy).toBeUndefined();
    for (const peer of ["hardhat", "solc", "circom2", "ethers", "@nomicfoundation/hardhat-ethers"]) expect(pkg.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
  });
});

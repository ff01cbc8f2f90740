import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sha256, writeFileAtomic } from "../build/files.ts";
import { loadCircuitSpecs } from "../circuit/load-specs.ts";
import { CASH_DECIMALS, FEE_BITS, FILL_SIZE_BITS, FUNDING_BITS, ID_BITS, PRICE_BITS, PRICE_DECIMALS, SIZE_DECIMALS, bound, signedLimit, signedMin } from "../core/constants.ts";
import { parseInteger, parseScaled } from "../core/decimal.ts";
import { ZkMarginError } from "../core/errors.ts";
import { parseAddress, toHex32 } from "../core/field.ts";
import { readJsonFile } from "../model/json.ts";
import type { Fill } from "../model/types.ts";
import type { VerificationKey } from "../build/batch-verifier.ts";
import { BENCH_OPTIONS, BENCH_USAGE } from "../bench/usage.ts";
import { CEREMONY_OPTIONS, CEREMONY_USAGE } from "../ceremony/usage.ts";
import { HARDHAT_NODE, requireNode, requirePackages } from "../core/runtime.ts";
import { formatReport } from "./format.ts";
import { keeperCommand } from "./keeper-command.ts";
import { ARTIFACTS_OPTIONS, ARTIFACTS_USAGE, artifactsFrom, optional, required, type Command } from "./options.ts";
import { proveCommand } from "./prove-command.ts";
import { UsageError } from "./usage-error.ts";

// Each command imports what it runs when it runs: a one-shot `verify` or `--help` loads neither the commitments
// (poseidon-lite computes every width's constants at import) nor the build pipeline.
const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

const signedOption = (value: string | undefined, name: string, decimals: number, bits: number, fallback: string) =>
  parseScaled(value ?? fallback, name, decimals, { signed: true, min: signedMin(bits), maxExclusive: signedLimit(bits), limitText: `2^${bits - 1} / 10^${decimals}` });

/** The CLI's commands, in the order `zkmargin --help` lists them. */
export const commands: Record<string, Command> = {
  build: {
    summary: "compile the circuits and run their Groth16 setup (cached)",
    usage: "Usage: zkmargin build [--circuit ID ...] [--force] [--ptau FILE [--allow-unverified-ptau]] [--quiet]\n(into $ZKMARGIN_BUILD_DIR, else build/ in the repository, ./zkmargin-build where zkmargin is installed; needs a native circom or the npm package circom2)",
    options: { circuit: { type: "string", multiple: true }, force: { type: "boolean" }, ptau: { type: "string" }, "allow-unverified-ptau": { type: "boolean" }, quiet: { type: "boolean" } },
    async run(values) {
      const { buildCircuits } = await import("../build/pipeline.ts");
      const only = values.circuit as string[] | undefined;
      const started = performance.now();
      const steps = await buildCircuits({
        ...(only ? { only } : {}),
        force: values.force === true,
        ...(typeof values.ptau === "string" ? { userFile: values.ptau } : {}),
        allowUnverified: values["allow-unverified-ptau"] === true,
        log: values.quiet ? () => undefined : err,
      });
      const insecure = steps.some((step) => step.manifest?.ceremony.insecure);
      if (values.quiet) {
        const count = (test: (step: (typeof steps)[number]) => boolean) => steps.filter(test).length;
        out(`zkmargin build: ${steps.length} circuit${steps.length === 1 ? "" : "s"}, ${count((step) => step.compiled)} compiled, ${count((step) => step.setUp)} set up, ${count((step) => !step.compiled && !step.setUp)} up to date, in ${((performance.now() - started) / 1000).toFixed(1)} s${insecure ? " (development keys: INSECURE)" : ""}`);
      } else {
        for (const step of steps) out(`${step.circuit.padEnd(22)} ${step.constraints !== undefined ? `${step.constraints} constraints` : "compiled (no setup)"}${step.compiled || step.setUp ? "" : " (up to date)"}`);
        const knownTau = steps.some((step) => step.manifest?.ceremony.method === "known-tau");
        const singleParty = steps.some((step) => step.manifest?.ceremony.insecure && step.manifest.ceremony.method !== "known-tau");
        if (knownTau) err("note: development setup (known tau: the build drew the secrets and discarded them): the keys are INSECURE, never use them for real funds");
        if (singleParty) err("note: development setup (single contribution on this machine, or a development Powers of Tau): the keys are INSECURE, never use them for real funds");
      }
      const { releaseCurve } = await import("../prover/warm-prover.ts");
      await releaseCurve();
      return 0;
    },
  },

  check: {
    summary: "print the margin report of an account state at a round",
    usage: "Usage: zkmargin check --account A.json --round R.json --markets M.json [--json]\n(--json: one object, the SDK's CheckReport: amounts as exact decimal strings, ids and nonces as decimal strings, small integers as numbers; fields are only ever added)",
    options: { account: { type: "string" }, round: { type: "string" }, markets: { type: "string" }, json: { type: "boolean" } },
    async run(values) {
      const [{ loadAccount, loadMarkets, loadRound }, { checkReport }] = await Promise.all([import("../statements/load.ts"), import("../engine/check-report.ts")]);
      const markets = loadMarkets(required(values, "markets"));
      const round = loadRound(required(values, "round"), markets);
      const account = loadAccount(required(values, "account"), markets);
      const report = checkReport(account, round, markets);
      out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return 0;
    },
  },

  commitments: {
    summary: "print the prices, risk and round commitments (what the registry computes) and an account's",
    usage: "Usage: zkmargin commitments --round R.json --markets M.json [--account A.json]",
    options: { account: { type: "string" }, round: { type: "string" }, markets: { type: "string" } },
    async run(values) {
      const [{ loadAccount, loadMarkets, loadRound }, { roundCommitments }, { accountCommitment }] = await Promise.all([import("../statements/load.ts"), import("../commitment/round.ts"), import("../commitment/account.ts")]);
      const markets = loadMarkets(required(values, "markets"));
      const round = loadRound(required(values, "round"), markets);
      const commitments = roundCommitments(round, markets);
      out(JSON.stringify({
        pricesCommitment: toHex32(commitments.pricesCommitment),
        riskCommitment: toHex32(commitments.riskCommitment),
        roundCommitment: toHex32(commitments.roundCommitment),
        ...(typeof values.account === "string" ? { accountCommitment: toHex32(accountCommitment(loadAccount(values.account, markets))) } : {}),
      }, null, 2));
      return 0;
    },
  },

  account: {
    summary: "write the genesis state of a vault account (what `open` commits to)",
    usage: "Usage: zkmargin account --chain-id ID --vault 0xVAULT --account-id N --owner 0xOWNER --markets M.json --out A.json",
    options: { "chain-id": { type: "string" }, vault: { type: "string" }, "account-id": { type: "string" }, owner: { type: "string" }, markets: { type: "string" }, out: { type: "string" } },
    async run(values) {
      const [{ loadMarkets }, { accountCommitment, genesisState }, { accountToJson }] = await Promise.all([import("../statements/load.ts"), import("../commitment/account.ts"), import("../model/parse.ts")]);
      const markets = loadMarkets(required(values, "markets"));
      const domain = { chainId: parseInteger(required(values, "chain-id"), "--chain-id", bound(64)), vault: parseAddress(required(values, "vault"), "--vault") };
      const accountId = parseInteger(required(values, "account-id"), "--account-id", bound(ID_BITS));
      if (accountId === 0n) throw new ZkMarginError("--account-id", "account ids start at 1");
      const state = genesisState(domain, accountId, parseAddress(required(values, "owner"), "--owner"));
      const path = resolve(required(values, "out"));
      if (existsSync(path)) throw new ZkMarginError("--out", `${path} exists: an account file is never overwritten`);
      writeFileAtomic(path, `${JSON.stringify(accountToJson(state, markets), null, 2)}\n`);
      out(JSON.stringify({ out: path, commitment: toHex32(accountCommitment(state)) }));
      return 0;
    },
  },

  fill: {
    summary: "the venue: record a matched fill (fresh blinding) in a fills file and print what postFill takes",
    usage: "Usage: zkmargin fill --markets M.json --fill-id ID --market ETH-USD --size 1.5 --price 3150.25 --buyer N --seller N\n         [--funding-index F] [--buyer-fee QUOTE] [--seller-fee QUOTE] --out F.json [--append]\n(fees in quote units, negative for a rebate; the file goes to both traders)",
    options: {
      markets: { type: "string" }, "fill-id": { type: "string" }, market: { type: "string" }, size: { type: "string" }, price: { type: "string" },
      buyer: { type: "string" }, seller: { type: "string" }, "funding-index": { type: "string" }, "buyer-fee": { type: "string" }, "seller-fee": { type: "string" },
      out: { type: "string" }, append: { type: "boolean" },
    },
    async run(values) {
      const [{ loadMarkets }, { fillCommitment }, { randomSalt }, { fillsToJson, parseFills }] = await Promise.all([import("../statements/load.ts"), import("../commitment/fill.ts"), import("../engine/transitions.ts"), import("../model/parse.ts")]);
      const markets = loadMarkets(required(values, "markets"));
      const id = required(values, "market");
      const market = markets.byId.get(id);
      if (!market) throw new ZkMarginError("--market", `unknown market ${id} (the markets file lists ${[...markets.byId.keys()].join(", ")})`);
      const fill: Fill = {
        fillId: parseInteger(required(values, "fill-id"), "--fill-id", bound(ID_BITS)),
        market: market.index,
        size: parseScaled(required(values, "size"), "--size", SIZE_DECIMALS, { min: 1n, maxExclusive: bound(FILL_SIZE_BITS), limitText: `2^${FILL_SIZE_BITS} / 10^8` }),
        price: parseScaled(required(values, "price"), "--price", PRICE_DECIMALS, { min: 1n, maxExclusive: bound(PRICE_BITS), limitText: `2^${PRICE_BITS} / 10^8` }),
        fundingIndex: signedOption(optional(values, "funding-index"), "--funding-index", PRICE_DECIMALS, FUNDING_BITS, "0"),
        buyerId: parseInteger(required(values, "buyer"), "--buyer", bound(ID_BITS)),
        sellerId: parseInteger(required(values, "seller"), "--seller", bound(ID_BITS)),
        buyerFee: signedOption(optional(values, "buyer-fee"), "--buyer-fee", CASH_DECIMALS, FEE_BITS, "0"),
        sellerFee: signedOption(optional(values, "seller-fee"), "--seller-fee", CASH_DECIMALS, FEE_BITS, "0"),
        blinding: randomSalt(),
      };
      const commitment = fillCommitment(fill);
      const path = resolve(required(values, "out"));
      const previous = values.append === true && existsSync(path) ? parseFills(readJsonFile(path, "fills"), markets) : [];
      if (values.append !== true && existsSync(path)) throw new ZkMarginError("--out", `${path} exists: pass --append to add the fill to it`);
      writeFileAtomic(path, `${JSON.stringify(fillsToJson([...previous, fill], markets), null, 2)}\n`);
      out(JSON.stringify({ out: path, commitment: toHex32(commitment), postFill: [fill.buyerId.toString(), fill.sellerId.toString(), toHex32(commitment)] }));
      return 0;
    },
  },

  prove: proveCommand,

  verify: {
    summary: "verify a proof file, every field (exit 0 valid, 1 invalid)",
    usage: `Usage: zkmargin verify proof.json [--vkey VERIFICATION_KEY.json | --artifacts DIR|URL] [--json]\n(without --vkey: the circuit's key at the artifacts location, hash-checked, whose manifest also gives the setup label)\n${ARTIFACTS_USAGE}`,
    options: { json: { type: "boolean" }, vkey: { type: "string" }, ...ARTIFACTS_OPTIONS },
    async run(values, positionals) {
      const { verifyProofFile } = await import("../statements/proof-file.ts");
      const path = positionals[0];
      if (!path) throw new UsageError("give the proof file to verify");
      const vkey = optional(values, "vkey");
      const outcome = await verifyProofFile(readJsonFile(path, "proof"), vkey ? { verificationKeyPath: resolve(vkey) } : { artifacts: artifactsFrom(values) });
      const { releaseCurve } = await import("../prover/warm-prover.ts");
      await releaseCurve();
      if (values.json) out(JSON.stringify(outcome));
      else if (outcome.valid) out(`valid: ${outcome.message}`);
      else err(`INVALID: ${outcome.message}`);
      return outcome.valid ? 0 : 1;
    },
  },

  bench: {
    summary: "the reference benchmark: proving time, constraints, memory, gas per statement (writes bench/)",
    usage: BENCH_USAGE,
    options: BENCH_OPTIONS,
    async run(values) {
      // The benchmark is a tool of the repository (it builds circuits and writes bench/): the package ships
      // its usage only. A computed URL keeps the compiler from following it into the package.
      const entry = new URL(["..", "bench", "command.ts"].join("/"), import.meta.url);
      if (!existsSync(entry)) throw new ZkMarginError(undefined, "the benchmark runs from a clone of the repository (git clone, npm ci, npm run bench): it builds circuits and writes bench/");
      const bench = (await import(entry.href)) as { runBenchCommand: (values: Record<string, unknown>, log: (message: string) => void, print: (text: string) => void) => Promise<number> };
      return bench.runBenchCommand(values, err, out);
    },
  },

  demo: {
    summary: "run the private-clearing story on an in-process Hardhat chain (npm start)",
    usage: `Usage: zkmargin demo [--json] [--artifacts DIR|URL]\n(needs Node >= ${HARDHAT_NODE} and hardhat, @nomicfoundation/hardhat-ethers, ethers, solc; without --artifacts it builds the cross circuits first, which needs circom2)\n${ARTIFACTS_USAGE}`,
    options: { json: { type: "boolean" }, ...ARTIFACTS_OPTIONS },
    async run(values) {
      // Checked before anything is built: Hardhat 3 fails late (after the circuits) on an older Node.
      requireNode(HARDHAT_NODE, "the demo (Hardhat 3)");
      requirePackages(["hardhat", "@nomicfoundation/hardhat-ethers", "ethers", "solc"], "the demo");
      const { formatStory, runStory } = await import("../demo/story.ts");
      const result = await runStory({ log: values.json ? () => undefined : (message) => err(`  ${message}`), ...(optional(values, "artifacts") ? { artifacts: artifactsFrom(values) } : {}) });
      out(values.json ? JSON.stringify(result, null, 2) : formatStory(result));
      return result.balanced ? 0 : 1;
    },
  },

  keeper: keeperCommand,

  ceremony: {
    summary: "multi-party trusted setup (phase 2): init, contribute, verify, beacon, finalize",
    usage: CEREMONY_USAGE,
    options: CEREMONY_OPTIONS,
    async run(values, positionals) {
      const { runCeremony } = await import("../ceremony/cli.ts");
      return runCeremony(values, positionals, { out, err });
    },
  },

  "export-verifier": {
    summary: "write the Solidity verifiers (and verification keys) of built circuits to a folder",
    usage: `Usage: zkmargin export-verifier --out DIR [--circuit ID ...] [--contracts-only] [--artifacts DIR|URL]
(per circuit <Contract>.sol and, unless --contracts-only, <id>.vkey.json; and verifiers.json: the sha256 of
each verifier and of the verification key and manifest it was generated from. The verifiers are generated from
snarkjs' template and keep its licence, GPL-3.0.)
${ARTIFACTS_USAGE}`,
    options: { out: { type: "string" }, circuit: { type: "string", multiple: true }, "contracts-only": { type: "boolean" }, ...ARTIFACTS_OPTIONS },
    async run(values) {
      const [{ setupSummary }, { batchVerifierContractName, batchVerifierSource, DEVELOPMENT_NOTE, hasBatchVerifier }] = await Promise.all([import("../artifacts/export.ts"), import("../build/batch-verifier.ts")]);
      const dir = resolve(required(values, "out"));
      const artifacts = artifactsFrom(values);
      const specs = loadCircuitSpecs().filter((spec) => spec.setup);
      const wanted = (values.circuit as string[] | undefined) ?? specs.map((spec) => spec.id);
      // Read and check every circuit first: nothing is written unless all of them are there.
      const exports = [];
      for (const id of wanted) {
        if (!specs.some((spec) => spec.id === id)) throw new ZkMarginError("--circuit", `unknown proving circuit ${id} (known: ${specs.map((spec) => spec.id).join(", ")}); nothing was exported`);
        const manifest = await artifacts.manifest(id);
        exports.push({ manifest, manifestBytes: await artifacts.file(id, "manifest"), verifier: await artifacts.file(id, "verifier"), vkey: await artifacts.file(id, "verificationKey") });
      }
      const record: Record<string, unknown> = {};
      for (const { manifest, manifestBytes, verifier, vkey } of exports) {
        writeFileAtomic(resolve(dir, `${manifest.verifierContract}.sol`), verifier);
        if (values["contracts-only"] !== true) writeFileAtomic(resolve(dir, `${manifest.circuit}.vkey.json`), vkey);
        record[manifest.circuit] = { contract: manifest.verifierContract, file: `${manifest.verifierContract}.sol`, sha256: sha256(verifier), verificationKey: sha256(vkey), manifest: sha256(manifestBytes), insecure: manifest.ceremony.insecure, setup: setupSummary(manifest), license: "GPL-3.0 (snarkjs' verifier template)" };
        // A bulk statement's batch verifier (attestBatch), generated from the same verification key.
        const spec = specs.find((candidate) => candidate.id === manifest.circuit)!;
        let batch = "";
        if (hasBatchVerifier(spec)) {
          const contract = batchVerifierContractName(spec.id);
          const source = batchVerifierSource(spec, JSON.parse(Buffer.from(vkey).toString("utf8")) as VerificationKey, manifest.ceremony.insecure ? DEVELOPMENT_NOTE : "");
          writeFileAtomic(resolve(dir, `${contract}.sol`), source);
          (record[manifest.circuit] as Record<string, unknown>).batchVerifier = { contract, file: `${contract}.sol`, sha256: sha256(source), license: "MIT" };
          batch = `, ${contract}.sol`;
        }
        out(`${manifest.circuit}: ${manifest.verifierContract}.sol${batch}${values["contracts-only"] === true ? "" : `, ${manifest.circuit}.vkey.json`}${manifest.ceremony.insecure ? " (development keys: INSECURE)" : ""}`);
      }
      writeFileAtomic(resolve(dir, "verifiers.json"), `${JSON.stringify({ zkmargin: "zkmargin verifiers v1", circuits: record }, null, 2)}\n`);
      return 0;
    },
  },

  "export-artifacts": {
    summary: "write a self-contained artifact bundle (wasm, zkey, keys, verifier, manifest; index.json with sha256)",
    usage: `Usage: zkmargin export-artifacts --out DIR [--circuit ID ...] [--artifacts DIR|URL]
(default: every proving circuit of circuits.json, from the build folder. Serve DIR over HTTP or ship it, and
prove with --artifacts DIR|URL; every file is checked against index.json and its manifest before use. Prints
the index's sha256, which --artifacts-sha256 pins.)
${ARTIFACTS_USAGE}`,
    options: { out: { type: "string" }, circuit: { type: "string", multiple: true }, ...ARTIFACTS_OPTIONS },
    async run(values) {
      const { exportArtifacts } = await import("../artifacts/export.ts");
      const dir = resolve(required(values, "out"));
      const artifacts = artifactsFrom(values);
      if (!artifacts.remote && artifacts.location === dir) throw new ZkMarginError("--out", "is the artifacts location itself");
      const specs = loadCircuitSpecs().filter((spec) => spec.setup);
      const wanted = (values.circuit as string[] | undefined) ?? specs.map((spec) => spec.id);
      for (const id of wanted) if (!specs.some((spec) => spec.id === id)) throw new ZkMarginError("--circuit", `unknown proving circuit ${id} (known: ${specs.map((spec) => spec.id).join(", ")}); nothing was exported`);
      const index = await exportArtifacts(artifacts, dir, wanted);
      const bytes = Object.values(index.circuits).reduce((sum, circuit) => sum + Object.values(circuit.files).reduce((total, file) => total + (file?.bytes ?? 0), 0), 0);
      for (const [id, circuit] of Object.entries(index.circuits)) out(`${id}: ${Object.keys(circuit.files).join(", ")}${circuit.insecure ? " (development keys: INSECURE)" : ""}`);
      out(`bundle ${dir}: ${Object.keys(index.circuits).length} circuits, ${(bytes / 2 ** 20).toFixed(1)} MB; index.json sha256 ${sha256(readFileSync(resolve(dir, "index.json")))}`);
      return 0;
    },
  },
};

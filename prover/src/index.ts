/**
 * zkmargin SDK: private clearing with zero-knowledge proofs. Parse markets, rounds, account states and fills;
 * apply fills, deposits, withdrawals and takeovers exactly as the circuits do; compute commitments and the
 * margin report; prove and verify every statement with warm Groth16 provers, from an artifacts location (a
 * build folder, or a bundle folder or URL, every file checked against its sha256).
 *
 * Node >= 20 (checked on import). `zkmargin/browser` is the part without Node built-ins; `zkmargin/hardhat`
 * deploys the contracts on a Hardhat 3 chain.
 */
import "./core/node-check.ts";
export * from "./core/constants.ts";
export { ZkMarginError, ZkMarginRefusal } from "./core/errors.ts";
export { formatScaled, parseScaled } from "./core/decimal.ts";
export { toField, toHex32, toAddress, parseAddress, parseFieldElement } from "./core/field.ts";
export { SDK_NODE, HARDHAT_NODE, requireNode } from "./core/runtime.ts";
export type { AccountState, Fill, FillRole, Market, MarketSet, OracleRound, Profile, Slot, Tier, VaultDomain } from "./model/types.ts";
export { parseAccount, parseFills, parseMarkets, parseRound, parseBufferBps, accountToJson, fillsToJson, ACCOUNT_FILE_TAG, FILLS_FILE_TAG } from "./model/parse.ts";
export { readJsonFile } from "./model/json.ts";
export { accountCommitment, bookHash, domainElement, emptyBook, genesisState } from "./commitment/account.ts";
export { pricesCommitment, riskCommitment, roundCommitments, riskTable, type RoundCommitments } from "./commitment/round.ts";
export { fillCommitment, extendChain } from "./commitment/fill.ts";
export { poseidonHash, sponge } from "./commitment/sponge.ts";
export { packMarginStatement, unpackMarginStatement, packApplyStatement, packTakeoverStatement, unpackTakeoverStatement, type MarginStatement, type RequirementKind, type ValuationSide, type TakeoverStatement } from "./commitment/statement.ts";
export { surplus, isLiquidatable, equityAtMark, notionalAtMark, unsettledFunding, LIQUIDATION_QUESTION, INITIAL_QUESTION, type MarginQuestion } from "./engine/valuation.ts";
export { applyFills, deposit, withdraw, takeover, fillRole, randomSalt, checkSalt, MIN_SALT, type TakeoverResult, type TakeoverOptions, type TransitionOptions } from "./engine/transitions.ts";
export { marginReport, type MarginReport, type PositionReport } from "./engine/report.ts";
export { checkReport, type CheckReport } from "./engine/check-report.ts";
export { parseCircuitSpecs, selectCircuit, type CircuitSpec, type StatementKind } from "./circuit/registry.ts";
export { loadCircuitSpecs } from "./circuit/load-specs.ts";
export { buildCircuits, type BuildOptions, type BuildStep } from "./build/pipeline.ts";
export { HERMEZ_PTAU_BLAKE2B, resolvePtau } from "./build/ptau.ts";
export { readManifest } from "./build/setup.ts";
export { checkManifest, type CircuitManifest, type CeremonyRecord, type ManifestPtau } from "./artifacts/manifest.ts";
export { ARTIFACTS_INDEX_TAG, ARTIFACT_KINDS, artifactFile, checkArtifactIndex, type ArtifactEntry, type ArtifactIndex, type ArtifactKind, type BundleCircuit } from "./artifacts/bundle.ts";
export { Artifacts, defaultArtifactsLocation, type ArtifactsLocation, type ArtifactsOptions } from "./artifacts/store.ts";
export { exportArtifacts } from "./artifacts/export.ts";
export { WarmProver, releaseCurve, loadVerificationKey, verifyWithKey, type ProofBundle, type ProofTimings, type WarmProverOptions } from "./prover/warm-prover.ts";
export { findRapidsnark, type ProvingBackend } from "./prover/rapidsnark.ts";
export { ProverPool, type ProverPoolOptions } from "./prover/prover-pool.ts";
export type { Groth16Proof } from "./prover/proof-types.ts";
export type { Groth16Timings } from "./prover/groth16-prover.ts";
export type { MsmName } from "./prover/msm-shard.ts";
export { toSolidityCalldata, type SolidityCalldata } from "./prover/calldata.ts";
export { prepareDeposit, prepareApplyFills, prepareWithdraw, prepareMargin, prepareTakeover, chainHead, namedPublicInputs, type PreparedProof, type MarginRequest, type TakeoverRequest, type StatementSummary } from "./statements/prepare.ts";
export type { CircuitInput } from "./circuit/inputs.ts";
export { ProverSet, type ProverSetOptions } from "./statements/prover-set.ts";
export { loadAccount, loadFills, loadMarkets, loadRound } from "./statements/load.ts";
export { toProofFile, verifyProofFile, type ProofFile, type VerifyOutcome, type VerifyOptions } from "./statements/proof-file.ts";
export { assembleProofFile, decodeStatement, PROOF_FILE_TAG, type DecodedStatement } from "./statements/proof-file-shape.ts";

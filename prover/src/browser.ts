/**
 * zkmargin for the browser (and any JavaScript runtime): the SDK's pure modules, with no Node built-in
 * anywhere in their imports. Parse the files, run the engine (margin report, fills, deposits, withdrawals,
 * takeovers exactly as the circuits compute them), compute the commitments, pick the circuit and lay out
 * its input (prepare*), assemble and decode proof files, check artifact manifests and bundle indexes.
 * Proving and verifying with snarkjs, and fetching the artifacts, are the page's own (see web/ in the
 * repository): the Node entry (`zkmargin`) has WarmProver, ProverSet and verifyProofFile.
 */
export * from "./core/constants.ts";
export { ZkMarginError, ZkMarginRefusal } from "./core/errors.ts";
export { formatScaled, parseScaled } from "./core/decimal.ts";
export { toField, toHex32, toAddress, parseAddress, parseFieldElement } from "./core/field.ts";
export type { AccountState, Fill, FillRole, Market, MarketSet, OracleRound, Profile, Slot, Tier, VaultDomain } from "./model/types.ts";
export { parseAccount, parseFills, parseMarkets, parseRound, parseBufferBps, accountToJson, fillsToJson, ACCOUNT_FILE_TAG, FILLS_FILE_TAG } from "./model/parse.ts";
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
export type { CircuitInput } from "./circuit/inputs.ts";
export { prepareDeposit, prepareApplyFills, prepareWithdraw, prepareMargin, prepareTakeover, chainHead, namedPublicInputs, type PreparedProof, type MarginRequest, type TakeoverRequest, type StatementSummary } from "./statements/prepare.ts";
export { assembleProofFile, decodeStatement, PROOF_FILE_TAG, type DecodedStatement, type ProofFile } from "./statements/proof-file-shape.ts";
export { toSolidityCalldata, type SolidityCalldata } from "./prover/calldata.ts";
export type { Groth16Proof } from "./prover/proof-types.ts";
export { checkManifest, type CircuitManifest, type CeremonyRecord, type ManifestPtau } from "./artifacts/manifest.ts";
export { ARTIFACTS_INDEX_TAG, ARTIFACT_KINDS, artifactFile, checkArtifactIndex, type ArtifactEntry, type ArtifactIndex, type ArtifactKind, type BundleCircuit } from "./artifacts/bundle.ts";

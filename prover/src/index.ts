/**
 * zkmargin SDK: private clearing with zero-knowledge proofs. Parse markets, rounds, account states and fills;
 * apply fills, deposits, withdrawals and takeovers exactly as the circuits do; compute commitments and the
 * margin report; prove and verify every statement with warm Groth16 provers.
 */
export * from "./core/constants.ts";
export { ZkMarginError, ZkMarginRefusal } from "./core/errors.ts";
export { formatScaled, parseScaled } from "./core/decimal.ts";
export { toField, toHex32, toAddress, parseAddress } from "./core/field.ts";
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
export { parseCircuitSpecs, selectCircuit, type CircuitSpec, type StatementKind } from "./circuit/registry.ts";
export { loadCircuitSpecs } from "./circuit/load-specs.ts";
export { buildCircuits, type BuildOptions, type BuildStep } from "./build/pipeline.ts";
export { HERMEZ_PTAU_BLAKE2B, resolvePtau } from "./build/ptau.ts";
export { readManifest, type CircuitManifest } from "./build/setup.ts";
export { WarmProver, releaseCurve, loadVerificationKey, verifyWithKey, type ProofBundle } from "./prover/warm-prover.ts";
export { toSolidityCalldata, type SolidityCalldata } from "./prover/calldata.ts";
export { prepareDeposit, prepareApplyFills, prepareWithdraw, prepareMargin, prepareTakeover, chainHead, namedPublicInputs, type PreparedProof, type MarginRequest, type TakeoverRequest } from "./statements/prepare.ts";
export { ProverSet } from "./statements/prover-set.ts";
export { loadAccount, loadFills, loadMarkets, loadRound } from "./statements/load.ts";
export { toProofFile, verifyProofFile, type ProofFile, type VerifyOutcome } from "./statements/proof-file.ts";
export { assembleProofFile, decodeStatement, PROOF_FILE_TAG } from "./statements/proof-file-shape.ts";

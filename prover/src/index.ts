/**
 * zkmargin SDK: parse accounts and oracle rounds, compute the margin report exactly as the circuits do,
 * compute commitments, and prove / verify margin and liquidation statements with warm Groth16 provers.
 */
export * from "./core/constants.ts";
export { ZkMarginError } from "./core/errors.ts";
export { formatScaled, parseScaled } from "./core/decimal.ts";
export { toField, toHex32, toAddress, parseAddress } from "./core/field.ts";
export type { Account, Market, MarketRisk, MarketSet, OracleRound, Position, Profile, Subaccount, Tier } from "./model/types.ts";
export { parseAccount, parseMarkets, parseRound, parseBufferBps } from "./model/parse.ts";
export { readJsonFile } from "./model/json.ts";
export { splitSubaccounts, subaccount, isolatedName } from "./model/subaccounts.ts";
export { accountCommitment, paddedTiers, pricesCommitment, riskCommitment, roundCommitments, type RoundCommitments } from "./commitment/commitments.ts";
export { packMarginStatement, unpackMarginStatement, packLiquidationStatement, unpackLiquidationStatement, type MarginStatement, type LiquidationStatement, type RequirementKind } from "./commitment/statement.ts";
export { marginNumbers, marginReport, positionRequirement, type MarginNumbers, type MarginReport, type PositionReport } from "./engine/margin.ts";
export { cash, isLiquidatable, liquidationDeficit, marginSurplus, statementDecimals, tierRequirement } from "./engine/statement-values.ts";
export { circuitInput, type CircuitInput } from "./circuit/inputs.ts";
export { parseCircuitSpecs, selectCircuit, type CircuitSpec } from "./circuit/registry.ts";
export { loadCircuitSpecs } from "./circuit/load-specs.ts";
export { buildCircuits, type BuildOptions, type BuildStep } from "./build/pipeline.ts";
export { HERMEZ_PTAU_BLAKE2B, resolvePtau } from "./build/ptau.ts";
export { readManifest, type CircuitManifest } from "./build/setup.ts";
export { WarmProver, releaseCurve, loadVerificationKey, verifyWithKey, type ProofBundle } from "./prover/warm-prover.ts";
export { toSolidityCalldata, type SolidityCalldata } from "./prover/calldata.ts";
export { prepareMarginProof, prepareLiquidationProof, publicSignalsOf, type PreparedProof, type MarginRequest, type LiquidationRequest } from "./statements/prepare.ts";
export { ProverSet } from "./statements/prover-set.ts";
export { loadSubject } from "./statements/load.ts";
export { toProofFile, verifyProofFile, type ProofFile } from "./statements/proof-file.ts";
export { assembleProofFile } from "./statements/proof-file-shape.ts";

import { existsSync, readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3";
import type { CircuitSpec, StatementKind } from "../circuit/registry.ts";
import { ZkMarginError } from "../core/errors.ts";
import { writeFileAtomic } from "./files.ts";
import { artifactPaths, projectPath } from "./paths.ts";
import { verifierContractName } from "./setup.ts";

/** The BN254 base field modulus q (point coordinates). */
export const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** The BN254 scalar field modulus r (public inputs, scalars). */
export const SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The statements a keeper sends in bulk, whose circuits get a batch verifier (attestBatch: margin). */
export const BATCH_STATEMENTS: readonly StatementKind[] = ["margin"];

/** Whether `zkmargin build` generates a batch verifier for the circuit (proving circuits of a bulk statement). */
export function hasBatchVerifier(spec: CircuitSpec): boolean {
  return spec.setup && spec.kind !== undefined && BATCH_STATEMENTS.includes(spec.kind);
}

/** The Solidity contract name of a circuit's batch verifier: cross_margin_m16 -> CrossMarginM16BatchVerifier. */
export function batchVerifierContractName(circuitId: string): string {
  return verifierContractName(circuitId).replace(/Verifier$/, "BatchVerifier");
}

/** Where the generated batch verifier of a circuit lives (contracts/generated/, git-ignored like the verifiers). */
export function batchVerifierPath(circuitId: string): string {
  return projectPath("contracts", "generated", `${batchVerifierContractName(circuitId)}.sol`);
}

/** A snarkjs Groth16 verification key (verification_key.json), the fields the verifier uses. */
export interface VerificationKey {
  readonly protocol: string;
  readonly curve: string;
  readonly nPublic: number;
  readonly vk_alpha_1: readonly string[];
  readonly vk_beta_2: readonly (readonly string[])[];
  readonly vk_gamma_2: readonly (readonly string[])[];
  readonly vk_delta_2: readonly (readonly string[])[];
  readonly IC: readonly (readonly string[])[];
}

/** The key's constants as the snarkjs verifier names and orders them (G2: imaginary part first, EIP-197). */
export function verificationKeyConstants(vkey: VerificationKey): [string, bigint][] {
  if (vkey.protocol !== "groth16" || vkey.curve !== "bn128") throw new ZkMarginError("verification key", `is ${vkey.protocol} on ${vkey.curve}, not groth16 on bn128`);
  if (vkey.IC.length !== vkey.nPublic + 1) throw new ZkMarginError("verification key", `has ${vkey.IC.length} IC points for ${vkey.nPublic} public inputs`);
  const g2 = (name: string, point: readonly (readonly string[])[]): [string, bigint][] => [
    [`${name}x1`, BigInt(point[0]![1]!)], [`${name}x2`, BigInt(point[0]![0]!)], [`${name}y1`, BigInt(point[1]![1]!)], [`${name}y2`, BigInt(point[1]![0]!)],
  ];
  return [
    ["alphax", BigInt(vkey.vk_alpha_1[0]!)], ["alphay", BigInt(vkey.vk_alpha_1[1]!)],
    ...g2("beta", vkey.vk_beta_2), ...g2("gamma", vkey.vk_gamma_2), ...g2("delta", vkey.vk_delta_2),
    ...vkey.IC.flatMap((point, i): [string, bigint][] => [[`IC${i}x`, BigInt(point[0]!)], [`IC${i}y`, BigInt(point[1]!)]]),
  ];
}

const word = (value: bigint) => value.toString(16).padStart(64, "0");

/** keccak256 of the key's words in {@link verificationKeyConstants} order (the contract's VERIFICATION_KEY_HASH). */
export function verificationKeyHash(vkey: VerificationKey): string {
  const packed = verificationKeyConstants(vkey).map(([, value]) => word(value)).join("");
  return `0x${Buffer.from(keccak_256(Buffer.from(packed, "hex"))).toString("hex")}`;
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [x, y, u, v] = [0n, 1n, m, mod(a, m)];
  while (v !== 0n) {
    const t = u / v;
    [x, y] = [y, x - t * y];
    [u, v] = [v, u - t * v];
  }
  return mod(x, m);
}

/** The twist's b' = 3 / (9 + u) in Fp2 (u^2 = -1): 3 (9 - u) / 82. Returned as [real, imaginary]. */
export function twistB(): [bigint, bigint] {
  const scale = mod(3n * inverse(82n, BASE_FIELD), BASE_FIELD);
  return [mod(9n * scale, BASE_FIELD), mod(-scale, BASE_FIELD)];
}

const selector = (signature: string) => `0x${Buffer.from(keccak_256(signature)).subarray(0, 4).toString("hex")}`;

/**
 * The Solidity source of a circuit's batch verifier, from its verification key (the one its snarkjs verifier was
 * exported from). For n proofs (A_i, B_i, C_i) with public inputs x_i it draws r_0 = 1 and r_i = keccak256(seed, i)
 * mod r, seed = keccak256(VERIFICATION_KEY_HASH, n, every proof word, every input word), and checks
 *
 *   prod_i e(r_i A_i, B_i) * e(-(sum r_i) alpha, beta) * e(-sum_i r_i L_i, gamma) * e(-sum_i r_i C_i, delta) == 1,
 *   sum_i r_i L_i = (sum r_i) IC_0 + sum_j (sum_i r_i x_ij) IC_{j+1}
 *
 * (n + 3 pairings; 2 (n - 1) + k + 2 scalar multiplications for k public inputs).
 */
export function batchVerifierSource(spec: CircuitSpec, vkey: VerificationKey, note = ""): string {
  const k = vkey.nPublic;
  if (k !== spec.pubs.length) throw new ZkMarginError("verification key", `of ${spec.id} has ${k} public inputs, circuits.json lists ${spec.pubs.length}`);
  const name = batchVerifierContractName(spec.id);
  const constants = verificationKeyConstants(vkey);
  const [b2r, b2i] = twistB();
  const errors = {
    inputOutOfField: selector("Groth16BatchVerifier__InputOutOfField(uint256,uint256)"),
    notOnCurve: selector("Groth16BatchVerifier__PointNotOnCurve(uint256,uint256)"),
    precompile: selector("Groth16BatchVerifier__PrecompileFailed()"),
  };
  // Accumulators in scratch memory (the stack is too small): sum r_i at s + 0xe0, sum_i r_i x_ij at s + 0x100 + 32 j.
  const accumulateInputs = Array.from({ length: k }, (_, j) => `
                {
                    let v := calldataload(add(pi, ${32 * j}))
                    if iszero(lt(v, r)) { fail2(${errors.inputOutOfField}, i, ${j}) }
                    let a := add(s, ${0x100 + 32 * j})
                    mstore(a, addmod(mload(a), mulmod(ri, v, r), r))
                }`).join("");
  const icTerms = Array.from({ length: k }, (_, j) => `
            mulTo(add(s, 0x80), IC${j + 1}x, IC${j + 1}y, mload(add(s, ${0x100 + 32 * j})))
            addInto(add(s, 0x40))`).join("");
  return `// SPDX-License-Identifier: MIT
// Generated by zkmargin build (prover/src/build/batch-verifier.ts) from build/${spec.id}/verification_key.json, the key
// ${verifierContractName(spec.id)} was exported from. Do not edit: rebuild, or run npx tsx contracts/lib/generate-batch-verifiers.ts.
pragma solidity ^0.8.28;

import {IGroth16BatchVerifier} from "../interfaces/IGroth16BatchVerifier.sol";

/// @title ${name}
/// @notice Batch Groth16 verifier of zkmargin circuit ${spec.id} (${spec.template}(${spec.params.join(", ")}); public inputs
///         ${spec.pubs.join(", ")}), with the verification key of ${verifierContractName(spec.id)}.${note ? `\n/// @dev ${note}` : ""}
/// @dev One random linear combination of the n proofs' pairing equations: with r_0 = 1 and r_i = keccak256(seed, i) mod r,
///      seed = keccak256(VERIFICATION_KEY_HASH, n, proofs, inputs) (Fiat-Shamir over everything the submitter chooses),
///      prod_i e(r_i A_i, B_i) = e((sum r_i) alpha, beta) e(sum r_i L_i, gamma) e(sum r_i C_i, delta), with
///      sum r_i L_i = (sum r_i) IC0 + sum_j (sum_i r_i x_ij) IC(j+1): n + 3 pairings, 2 (n - 1) + ${k + 2} scalar multiplications.
///      A false batch passes with probability at most 6 / 2^256 per seed tried (README, "Every account, every round").
///      Every point is checked in the field and on its curve (the point at infinity refused), every input below r.
contract ${name} is IGroth16BatchVerifier {
    /// @notice The scalar field modulus r.
    uint256 internal constant R = ${SCALAR_FIELD};
    /// @notice The base field modulus q.
    uint256 internal constant Q = ${BASE_FIELD};
    /// @notice The twist's b' = 3 / (9 + u), real and imaginary parts.
    uint256 internal constant B2R = ${b2r};
    uint256 internal constant B2I = ${b2i};
    /// @notice Public inputs per proof.
    uint256 internal constant PUBLIC_INPUTS = ${k};
    /// @notice keccak256 of the verification key words below, in order.
    bytes32 internal constant VERIFICATION_KEY_HASH = ${verificationKeyHash(vkey)};

    // Verification key (the same constants, names and order as ${verifierContractName(spec.id)}).
${constants.map(([key, value]) => `    uint256 internal constant ${key} = ${value};`).join("\n")}

    /// @inheritdoc IGroth16BatchVerifier
    function publicInputCount() external pure returns (uint256) {
        return PUBLIC_INPUTS;
    }

    /// @inheritdoc IGroth16BatchVerifier
    function verificationKeyHash() external pure returns (bytes32) {
        return VERIFICATION_KEY_HASH;
    }

    /// @inheritdoc IGroth16BatchVerifier
    function verifyBatch(uint256[8][] calldata proofs, uint256[] calldata inputs) external view returns (bool valid) {
        uint256 n = proofs.length;
        if (n == 0) revert Groth16BatchVerifier__EmptyBatch();
        if (inputs.length != n * PUBLIC_INPUTS) revert Groth16BatchVerifier__LengthMismatch(n, inputs.length);
        assembly ("memory-safe") {
            function fail2(code, a, b) {
                mstore(0, shl(224, code))
                mstore(4, a)
                mstore(36, b)
                revert(0, 68)
            }
            // the G1 point at calldata p: coordinates < q, on y^2 = x^3 + 3 (so not the point at infinity)
            function onG1At(p, q) -> ok {
                let x := calldataload(p)
                let y := calldataload(add(p, 0x20))
                ok := and(and(lt(x, q), lt(y, q)), eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q)))
            }
            // the G2 point at calldata p, (xi u + xr, yi u + yr): coordinates < q, on the twist y^2 = x^3 + b' over
            // Fp2 = Fp[u] / (u^2 + 1) (so not the point at infinity; the pairing precompile checks the subgroup)
            function onTwistAt(p, q) -> ok {
                let xi := calldataload(p)
                let xr := calldataload(add(p, 0x20))
                let yi := calldataload(add(p, 0x40))
                let yr := calldataload(add(p, 0x60))
                ok := and(and(lt(xi, q), lt(xr, q)), and(lt(yi, q), lt(yr, q)))
                if ok {
                    // x^2 = (xr^2 - xi^2) + 2 xr xi u, x^3 = x^2 x, y^2 = (yr^2 - yi^2) + 2 yr yi u
                    let sr := addmod(mulmod(xr, xr, q), sub(q, mulmod(xi, xi, q)), q)
                    let si := mulmod(2, mulmod(xr, xi, q), q)
                    let cr := addmod(mulmod(sr, xr, q), sub(q, mulmod(si, xi, q)), q)
                    let ci := addmod(mulmod(sr, xi, q), mulmod(si, xr, q), q)
                    ok := and(
                        eq(addmod(mulmod(yr, yr, q), sub(q, mulmod(yi, yi, q)), q), addmod(cr, B2R, q)),
                        eq(mulmod(2, mulmod(yr, yi, q), q), addmod(ci, B2I, q))
                    )
                }
            }
            // out = scalar * (x, y) (ecMul; out may be the input area)
            function mulTo(out, x, y, scalar) {
                mstore(out, x)
                mstore(add(out, 0x20), y)
                mstore(add(out, 0x40), scalar)
                if iszero(staticcall(gas(), 7, out, 0x60, out, 0x40)) { fail2(${errors.precompile}, 0, 0) }
            }
            // acc (2 words at acc) += the point in the 2 words after it (ecAdd)
            function addInto(acc) {
                if iszero(staticcall(gas(), 6, acc, 0x80, acc, 0x40)) { fail2(${errors.precompile}, 0, 0) }
            }

            // Transcript at m: [VERIFICATION_KEY_HASH, n, proofs, inputs]; then the pairing input over it.
            let m := mload(0x40)
            let proofBytes := mul(n, 0x100)
            let transcriptBytes := add(0x40, add(proofBytes, mul(n, ${32 * k})))
            mstore(m, VERIFICATION_KEY_HASH)
            mstore(add(m, 0x20), n)
            calldatacopy(add(m, 0x40), proofs.offset, proofBytes)
            calldatacopy(add(m, add(0x40, proofBytes)), inputs.offset, mul(n, ${32 * k}))
            let seed := keccak256(m, transcriptBytes)
            let pairingBytes := mul(add(n, 3), 0xc0)
            // Scratch s: [seed, i] (keccak input); 0x40: 2 words accumulating sum r_i C_i; 0x80: 3 words of ecMul;
            // 0xe0: sum r_i; 0x100: sum_i r_i x_ij for each input j.
            let s := add(m, pairingBytes)
            if gt(transcriptBytes, pairingBytes) { s := add(m, transcriptBytes) }
            mstore(s, seed)
            mstore(add(s, 0xe0), 0)
            for { let j := 0 } lt(j, PUBLIC_INPUTS) { j := add(j, 1) } { mstore(add(s, add(0x100, mul(j, 0x20))), 0) }

            // The moduli on the stack: a constant used in a loop would be copied from code at every use.
            let q := Q
            let r := R
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let p := add(proofs.offset, mul(i, 0x100))
                if iszero(onG1At(p, q)) { fail2(${errors.notOnCurve}, i, 0) }
                if iszero(onTwistAt(add(p, 0x40), q)) { fail2(${errors.notOnCurve}, i, 1) }
                if iszero(onG1At(add(p, 0xc0), q)) { fail2(${errors.notOnCurve}, i, 2) }
                let pair := add(m, mul(i, 0xc0))
                let ri := 1
                switch i
                case 0 {
                    calldatacopy(pair, p, 0x40)
                    calldatacopy(add(s, 0x40), add(p, 0xc0), 0x40)
                }
                default {
                    mstore(add(s, 0x20), i)
                    ri := mod(keccak256(s, 0x40), r)
                    // r_i A_i into the pair, r_i C_i added to the accumulator
                    calldatacopy(add(s, 0x80), p, 0x40)
                    mstore(add(s, 0xc0), ri)
                    if iszero(staticcall(gas(), 7, add(s, 0x80), 0x60, pair, 0x40)) { fail2(${errors.precompile}, 0, 0) }
                    calldatacopy(add(s, 0x80), add(p, 0xc0), 0x40)
                    mstore(add(s, 0xc0), ri)
                    if iszero(staticcall(gas(), 7, add(s, 0x80), 0x60, add(s, 0x80), 0x40)) { fail2(${errors.precompile}, 0, 0) }
                    addInto(add(s, 0x40))
                }
                calldatacopy(add(pair, 0x40), add(p, 0x40), 0x80)
                mstore(add(s, 0xe0), addmod(mload(add(s, 0xe0)), ri, r))
                let pi := add(inputs.offset, mul(i, ${32 * k}))${accumulateInputs}
            }

            // (-sum r_i C_i, delta)
            let pair := add(m, mul(add(n, 2), 0xc0))
            mstore(pair, mload(add(s, 0x40)))
            mstore(add(pair, 0x20), mod(sub(Q, mload(add(s, 0x60))), Q))
            mstore(add(pair, 0x40), deltax1)
            mstore(add(pair, 0x60), deltax2)
            mstore(add(pair, 0x80), deltay1)
            mstore(add(pair, 0xa0), deltay2)
            // (-(sum r_i) alpha, beta)
            pair := add(m, mul(n, 0xc0))
            mulTo(add(s, 0x80), alphax, alphay, mload(add(s, 0xe0)))
            mstore(pair, mload(add(s, 0x80)))
            mstore(add(pair, 0x20), mod(sub(Q, mload(add(s, 0xa0))), Q))
            mstore(add(pair, 0x40), betax1)
            mstore(add(pair, 0x60), betax2)
            mstore(add(pair, 0x80), betay1)
            mstore(add(pair, 0xa0), betay2)
            // (-sum r_i L_i, gamma), sum r_i L_i = (sum r_i) IC0 + sum_j (sum_i r_i x_ij) IC(j+1)
            mulTo(add(s, 0x40), IC0x, IC0y, mload(add(s, 0xe0)))${icTerms}
            pair := add(pair, 0xc0)
            mstore(pair, mload(add(s, 0x40)))
            mstore(add(pair, 0x20), mod(sub(Q, mload(add(s, 0x60))), Q))
            mstore(add(pair, 0x40), gammax1)
            mstore(add(pair, 0x60), gammax2)
            mstore(add(pair, 0x80), gammay1)
            mstore(add(pair, 0xa0), gammay2)

            // A precompile failure here (a B outside the subgroup, or out of gas) is an invalid batch, as in snarkjs.
            let success := staticcall(gas(), 8, m, pairingBytes, s, 0x20)
            valid := and(success, mload(s))
        }
    }
}
`;
}

/** The @dev line of a batch verifier whose key is a development key. */
export const DEVELOPMENT_NOTE = "DEVELOPMENT KEY (see build/<circuit>/manifest.json): INSECURE, never secure real funds with it.";

/** Reads a built circuit's verification key. */
export function readVerificationKey(circuitId: string): VerificationKey {
  const path = artifactPaths(circuitId).vkey;
  if (!existsSync(path)) throw new ZkMarginError(`circuit ${circuitId}`, "is not built: run `npx zkmargin build`");
  return JSON.parse(readFileSync(path, "utf8")) as VerificationKey;
}

/**
 * Writes contracts/generated/<Name>BatchVerifier.sol from the circuit's built verification key, unless it already
 * holds exactly that (so Hardhat's compile cache stays valid). Returns whether the file changed.
 */
export function publishBatchVerifier(spec: CircuitSpec, insecure: boolean): boolean {
  const source = batchVerifierSource(spec, readVerificationKey(spec.id), insecure ? DEVELOPMENT_NOTE : "");
  const path = batchVerifierPath(spec.id);
  if (existsSync(path) && readFileSync(path, "utf8") === source) return false;
  writeFileAtomic(path, source);
  return true;
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IZkMarginVerifier
/// @notice Routes zkmargin proofs to the Groth16 verifier of the circuit capacity (position slots) the prover
///         used, and reverts unless the proof verifies.
/// @dev A proof is `uint256[8]` in snarkjs calldata order `[pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1]` (the
///      order `snarkjs zkey export soliditycalldata` prints, pB already in the verifier's coordinate order).
///      Public inputs are always `[accountCommitment, roundCommitment, statement]`.
interface IZkMarginVerifier {
    /// @notice Margin proof: equity >= requirement * (1 + bufferBps / 10^4) for the committed account at the
    ///         committed round, with statement = binder + 2^160 bufferBps + 2^176 useInitial + 2^177 collateral.
    function verifyMargin(
        uint8 capacity,
        uint256[8] calldata proof,
        uint256 accountCommitment,
        uint256 roundCommitment,
        uint256 statement
    ) external view;

    /// @notice Liquidation proof: maintenance requirement > 0 and equity < maintenance requirement, with
    ///         statement = liquidator + 2^160 collateral.
    function verifyLiquidation(
        uint8 capacity,
        uint256[8] calldata proof,
        uint256 accountCommitment,
        uint256 roundCommitment,
        uint256 statement
    ) external view;
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IZkMarginVerifier
/// @notice Verifies the five statements of circuits/README.md for one margin profile, reverting unless the proof
///         verifies.
/// @dev A proof is `uint256[8]` in snarkjs calldata order `[pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1]` (the order
///      `snarkjs zkey export soliditycalldata` prints, pB already in the verifier's coordinate order). Public inputs
///      are in the order circuits/README.md lists them.
interface IZkMarginVerifier {
    /// @notice The risk tag of the profile the verifiers prove (3 cross, 4 lending, 5 tiered).
    function riskTag() external view returns (uint8);

    /// @notice DepositProof: [oldCommitment, newCommitment, amount].
    function verifyDeposit(uint256[8] calldata proof, uint256[3] calldata inputs) external view;

    /// @notice ApplyFillsProof: [oldCommitment, newCommitment, newHead, k + 2^16 L].
    function verifyApplyFills(uint256[8] calldata proof, uint256[4] calldata inputs) external view;

    /// @notice WithdrawProof: [oldCommitment, newCommitment, roundCommitment, amount].
    function verifyWithdraw(uint256[8] calldata proof, uint256[4] calldata inputs) external view;

    /// @notice MarginProof: [commitment, roundCommitment, statement].
    function verifyMargin(uint256[8] calldata proof, uint256[3] calldata inputs) external view;

    /// @notice TakeoverProof: [victimCommitment, liquidatorOldCommitment, liquidatorNewCommitment,
    ///         roundCommitment, statement].
    function verifyTakeover(uint256[8] calldata proof, uint256[5] calldata inputs) external view;
}

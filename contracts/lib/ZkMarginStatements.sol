// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ZkMarginStatements
/// @notice Packs the `statement` public inputs of circuits/README.md ("Statements"); each circuit decomposes its
///         statement into exactly these bit fields, so the packing is injective. Every result is below 2^209, far
///         below the BN254 scalar field. The vault builds them from its own state and msg.sender, never from
///         caller input it has not bound otherwise.
library ZkMarginStatements {
    /// @notice ApplyFillsProof: `k + 2^16 L` (fills applied, listed market count).
    function applyFills(uint256 k, uint256 listedMarkets) internal pure returns (uint256) {
        return k | (listedMarkets << 16);
    }

    /// @notice MarginProof: `binder + 2^160 bufferBps + 2^176 useInitial + 2^177 favourable`.
    /// @param binder the address the proof is bound to (the transaction sender)
    /// @param bufferBps buffer above the requirement, basis points
    /// @param useInitial initial requirement (else maintenance)
    /// @param favourable favourable valuation (the challenge answer; else conservative)
    function margin(address binder, uint16 bufferBps, bool useInitial, bool favourable)
        internal
        pure
        returns (uint256)
    {
        return uint256(uint160(binder)) | (uint256(bufferBps) << 160) | (useInitial ? uint256(1) << 176 : 0)
            | (favourable ? uint256(1) << 177 : 0);
    }

    /// @notice TakeoverProof: `ownerPayout + 2^64 penalty + 2^128 badDebt + 2^192 penaltyBps + 2^208 defaulted`
    ///         (amounts in token base units).
    function takeover(uint64 ownerPayout, uint64 penalty, uint64 badDebt, uint16 penaltyBps, bool defaulted)
        internal
        pure
        returns (uint256)
    {
        return uint256(ownerPayout) | (uint256(penalty) << 64) | (uint256(badDebt) << 128)
            | (uint256(penaltyBps) << 192) | (defaulted ? uint256(1) << 208 : 0);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ZkMarginStatements
/// @notice Packs the third public input of zkmargin proofs (the circuits' MarginStatement and
///         LiquidationStatement unpack it with a full bit decomposition, so the packing is injective):
///           margin:      binder + 2^160 bufferBps + 2^176 useInitial + 2^177 collateral   (< 2^241)
///           liquidation: liquidator + 2^160 collateral                                     (< 2^224)
///         Both are below the BN254 scalar field for every argument. Consumers build them from their own
///         state (msg.sender, recorded collateral), never from caller input: that binds a proof to its sender
///         and to the deposited collateral.
library ZkMarginStatements {
    uint256 internal constant BUFFER_SHIFT = 160;
    uint256 internal constant KIND_SHIFT = 176;
    uint256 internal constant MARGIN_COLLATERAL_SHIFT = 177;
    uint256 internal constant LIQUIDATION_COLLATERAL_SHIFT = 160;

    /// @param binder the address the proof is bound to (the transaction sender)
    /// @param bufferBps required buffer above the requirement, basis points
    /// @param useInitial true: initial margin requirement; false: maintenance
    /// @param collateral the account's collateral, token base units
    function margin(address binder, uint16 bufferBps, bool useInitial, uint64 collateral)
        internal
        pure
        returns (uint256)
    {
        return uint256(uint160(binder)) | (uint256(bufferBps) << BUFFER_SHIFT)
            | (useInitial ? uint256(1) << KIND_SHIFT : 0) | (uint256(collateral) << MARGIN_COLLATERAL_SHIFT);
    }

    /// @param liquidator the address the proof is bound to (the transaction sender)
    /// @param collateral the account's collateral, token base units
    function liquidation(address liquidator, uint64 collateral) internal pure returns (uint256) {
        return uint256(uint160(liquidator)) | (uint256(collateral) << LIQUIDATION_COLLATERAL_SHIFT);
    }
}

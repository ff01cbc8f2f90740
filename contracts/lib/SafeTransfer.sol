// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Minimal} from "../interfaces/IERC20Minimal.sol";

/// @title SafeTransfer
/// @notice ERC-20 transfers that revert on failure, for tokens that return false, return nothing, or revert.
library SafeTransfer {
    /// @notice The token call reverted, returned false, or the token has no code.
    error SafeTransfer__TransferFailed(address token);

    function safeTransfer(IERC20Minimal token, address to, uint256 amount) internal {
        _call(token, abi.encodeCall(IERC20Minimal.transfer, (to, amount)));
    }

    function safeTransferFrom(IERC20Minimal token, address from, address to, uint256 amount) internal {
        _call(token, abi.encodeCall(IERC20Minimal.transferFrom, (from, to, amount)));
    }

    function _call(IERC20Minimal token, bytes memory data) private {
        (bool ok, bytes memory ret) = address(token).call(data);
        if (!ok) {
            // Bubble the token's revert (e.g. a reentrancy guard's error) so callers see the cause.
            if (ret.length > 0) {
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
            revert SafeTransfer__TransferFailed(address(token));
        }
        if (ret.length == 0 ? address(token).code.length == 0 : !abi.decode(ret, (bool))) {
            revert SafeTransfer__TransferFailed(address(token));
        }
    }
}

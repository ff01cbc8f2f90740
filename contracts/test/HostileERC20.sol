// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title HostileERC20
/// @notice Test token whose behaviour can be switched at any time (a hostile or upgraded token): normal, a fee on
///         transfer (1 %, burnt), reverting with a named error, reverting with no data, returning false, returning
///         nothing (accepted: USDT-style), or calling back into a target (reentrancy) after moving the tokens.
///         decimals() returns a configurable uint256 (or reverts), to test the vault's construction checks.
///         Test use only.
contract HostileERC20 {
    enum Mode {
        Normal,
        FeeOnTransfer,
        Revert,
        RevertEmpty,
        ReturnFalse,
        NoReturn,
        Reenter
    }

    /// @notice Fee of FeeOnTransfer mode, basis points (burnt from the amount the recipient gets).
    uint256 public constant FEE_BPS = 100;

    Mode public mode;
    uint256 public decimalsValue;
    bool public decimalsReverts;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    address public reentryTarget;
    bytes public reentryData;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error HostileERC20__Refused();
    error HostileERC20__NoDecimals();
    error HostileERC20__InsufficientBalance();
    error HostileERC20__InsufficientAllowance();

    constructor(uint256 decimals_) {
        decimalsValue = decimals_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function setDecimals(uint256 decimals_, bool reverts) external {
        decimalsValue = decimals_;
        decimalsReverts = reverts;
    }

    /// @notice The call Reenter mode makes (to `target` with `data`, its revert bubbled).
    function setReentry(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
    }

    function decimals() external view returns (uint256) {
        if (decimalsReverts) revert HostileERC20__NoDecimals();
        return decimalsValue;
    }

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        return _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        Mode m = mode;
        if (m == Mode.Normal || m == Mode.FeeOnTransfer || m == Mode.NoReturn || m == Mode.Reenter) {
            uint256 allowed = allowance[from][msg.sender];
            if (allowed != type(uint256).max) {
                if (allowed < amount) revert HostileERC20__InsufficientAllowance();
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        return _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) private returns (bool) {
        Mode m = mode;
        if (m == Mode.Revert) revert HostileERC20__Refused();
        if (m == Mode.RevertEmpty) {
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
        if (m == Mode.ReturnFalse) return false;
        if (balanceOf[from] < amount) revert HostileERC20__InsufficientBalance();
        uint256 fee = m == Mode.FeeOnTransfer ? (amount * FEE_BPS) / 10_000 : 0;
        balanceOf[from] -= amount;
        balanceOf[to] += amount - fee;
        totalSupply -= fee;
        emit Transfer(from, to, amount - fee);
        if (m == Mode.Reenter) {
            (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
        if (m == Mode.NoReturn) {
            assembly ("memory-safe") {
                return(0, 0)
            }
        }
        return true;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Timelock
/// @notice The delay in front of every governance change of a contract (ClearingVault, OracleRegistry).
///         A change is the exact call data of one of the contract's delayed setters. Governance queues it
///         (`queueChange(data)`: the contract checks the setter and its static bounds at once, and the
///         `ChangeQueued` event carries every value), then, no earlier than GOVERNANCE_DELAY and no later than
///         GOVERNANCE_DELAY + GOVERNANCE_GRACE after queueing, calls the setter itself with those same bytes; the
///         setter's first step (`_executeQueued`) finds keccak256(msg.data) queued and due, or reverts. Governance
///         may cancel a queued change at any time. Views: `changeEta(id)` (0: not queued), `changeId(data)`.
/// @dev The id is keccak256 of the whole call data (selector and ABI-encoded arguments), so only the very call
///      that was queued, with the values everyone saw, can execute. A change that failed its setter's checks at
///      execution (e.g. not enough insurance) stays queued until it expires or is cancelled.
abstract contract Timelock {
    /// @notice Seconds between queueing a change and the first moment it may execute.
    uint64 public constant GOVERNANCE_DELAY = 2 days;
    /// @notice Seconds a due change stays executable; after that it must be queued again.
    uint64 public constant GOVERNANCE_GRACE = 14 days;

    /// @notice When a queued change becomes executable (0: not queued), by id = keccak256(call data).
    mapping(bytes32 id => uint64 eta) public changeEta;

    /// @notice A change was queued: its id, setter, earliest execution time and full call data.
    event ChangeQueued(bytes32 indexed id, bytes4 indexed selector, uint64 eta, bytes data);
    event ChangeCancelled(bytes32 indexed id);
    event ChangeExecuted(bytes32 indexed id);

    /// @notice Not one of this contract's delayed setters (or call data shorter than a selector).
    error Timelock__UnknownChange(bytes4 selector);
    /// @notice The call data does not have the setter's argument length.
    error Timelock__MalformedChange(bytes4 selector, uint256 length);
    error Timelock__AlreadyQueued(bytes32 id, uint64 eta);
    error Timelock__NotQueued(bytes32 id);
    error Timelock__TooEarly(bytes32 id, uint64 eta);
    error Timelock__Expired(bytes32 id, uint64 expiry);

    /// @notice Governance only: queues `data`, the exact call of a delayed setter, after checking its bounds.
    /// @return id keccak256(data)
    /// @return eta the earliest execution time (now + GOVERNANCE_DELAY)
    function queueChange(bytes calldata data) external returns (bytes32 id, uint64 eta) {
        _requireGovernance();
        if (data.length < 4) revert Timelock__UnknownChange(bytes4(0));
        bytes4 selector = bytes4(data[:4]);
        _checkChange(selector, data[4:]);
        id = keccak256(data);
        uint64 queued = changeEta[id];
        // An expired change may be queued again; a live one only once.
        if (queued != 0 && block.timestamp <= uint256(queued) + GOVERNANCE_GRACE) {
            revert Timelock__AlreadyQueued(id, queued);
        }
        eta = uint64(block.timestamp) + GOVERNANCE_DELAY;
        changeEta[id] = eta;
        emit ChangeQueued(id, selector, eta, data);
    }

    /// @notice Governance only: drops a queued change.
    function cancelChange(bytes32 id) external {
        _requireGovernance();
        if (changeEta[id] == 0) revert Timelock__NotQueued(id);
        delete changeEta[id];
        emit ChangeCancelled(id);
    }

    /// @notice The id of a change: keccak256 of its call data.
    function changeId(bytes calldata data) external pure returns (bytes32) {
        return keccak256(data);
    }

    /// @dev First step of every delayed setter: the current call must be a queued change that is due and not
    ///      expired; it is consumed.
    function _executeQueued() internal {
        bytes32 id = keccak256(msg.data);
        uint64 eta = changeEta[id];
        if (eta == 0) revert Timelock__NotQueued(id);
        if (block.timestamp < eta) revert Timelock__TooEarly(id, eta);
        uint64 expiry = eta + GOVERNANCE_GRACE;
        if (block.timestamp > expiry) revert Timelock__Expired(id, expiry);
        delete changeEta[id];
        emit ChangeExecuted(id);
    }

    /// @dev The i-th 32-byte argument word of a change.
    function _word(bytes calldata args, uint256 i) internal pure returns (uint256) {
        return uint256(bytes32(args[32 * i:32 * i + 32]));
    }

    /// @dev Requires `args` to be exactly `words` static argument words.
    function _requireWords(bytes4 selector, bytes calldata args, uint256 words) internal pure {
        if (args.length != 32 * words) revert Timelock__MalformedChange(selector, args.length);
    }

    /// @dev Reverts unless the sender is governance.
    function _requireGovernance() internal view virtual;

    /// @dev Reverts unless `selector` is a delayed setter and `args` are within its static bounds.
    function _checkChange(bytes4 selector, bytes calldata args) internal view virtual;
}

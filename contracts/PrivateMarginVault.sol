// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Minimal} from "./interfaces/IERC20Minimal.sol";
import {IZkMarginVerifier} from "./interfaces/IZkMarginVerifier.sol";
import {SafeTransfer} from "./lib/SafeTransfer.sol";
import {ZkMarginStatements} from "./lib/ZkMarginStatements.sol";
import {OracleRegistry} from "./OracleRegistry.sol";

/// @title PrivateMarginVault
/// @notice Reference vault for private margin accounts. An account is a Poseidon commitment to a hidden book
///         (positions, collateral, owner, salt) plus collateral deposited in one ERC-20 token. The vault never
///         sees positions; it gates every state change on a Groth16 proof about the committed book at an oracle
///         round of the OracleRegistry, and builds each proof's statement itself from its own state:
///
///         | function          | proof       | statement                                                   |
///         | attest            | margin      | msg.sender + 2^160 bufferBps + 2^177 collateral (maint.)    |
///         | answer            | margin      | msg.sender + 2^177 collateral (maintenance, buffer 0)       |
///         | update            | margin      | msg.sender + 2^176 + 2^177 newCollateral (initial, buffer 0)|
///         | liquidateByProof  | liquidation | msg.sender + 2^160 collateral                               |
///
///         with public inputs [account commitment, round commitment, statement]. So a proof copied from the
///         mempool fails for any other sender, a proof made for another collateral amount fails, and a proof of
///         a replaced commitment fails. Replay protection never relies on proof bytes (Groth16 proofs are
///         malleable): it comes from the statement, the commitment, the round and the account state.
///
///         Prove or be liquidated: anyone may challenge an account at the registry's latest (fresh) round by
///         posting `challengeBond`. Within `answerWindow` seconds a maintenance proof at the challenge round
///         (even if it has gone stale meanwhile) or at a later fresh round answers it: the bond is credited to
///         the account owner. Otherwise anyone may `liquidateUnanswered` after the window.
///
///         Liquidation (unanswered challenge or liquidation proof) seizes the whole collateral:
///           liquidatorBonusBps of it to the caller, insuranceBps of it to the insurance fund, and the rest is
///           credited to the account owner (set insuranceBps = 10^4 - liquidatorBonusBps to seize everything);
///           a pending challenger's bond is credited back to the challenger.
///         Credits to anyone but msg.sender are pull payments (`claim`), so a recipient that cannot receive
///         tokens cannot block a liquidation or an answer.
///
///         Updates while challenged: an update (initial-margin proof of the new book) at a round >= the
///         challenge round, made within the window, also answers the challenge; an update at an older round, or
///         after the window, reverts. Rounds per account never go back: update and liquidateByProof need a
///         round >= lastHealthyRound (the newest round at which the account was proven healthy), so a
///         liquidation cannot use older prices than a newer proof of health.
///
///         Invariant: token.balanceOf(vault) == accountedBalance() == sum of account collateral + challenge
///         bonds held + insurance fund + unclaimed credits (for a standard ERC-20 without transfer fees or
///         rebasing).
/// @dev Proof path cost (attest): two SLOADs of the account, one registry call (three SLOADs), one adapter
///      call and one SSTORE to an already nonzero slot; no hashing.
contract PrivateMarginVault {
    using SafeTransfer for IERC20Minimal;

    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 public constant BPS = 10_000;

    enum Status {
        None,
        Active,
        Liquidated
    }

    struct Account {
        // slot 0: everything the proof paths read besides the commitment
        uint64 collateral; // token base units
        uint64 lastHealthyRound; // newest round at which a margin proof of the current book was accepted
        Status status;
        uint64 challengeRound; // round of the pending challenge, 0 when none (kept here so attest reads it warm)
        // slot 1
        uint256 commitment;
        // slot 2
        address owner;
    }

    struct Challenge {
        address challenger; // 0: no challenge
        uint96 bond;
        uint64 roundId;
        uint64 deadline; // last second (inclusive) at which an answer is accepted
    }

    IERC20Minimal public immutable token;
    OracleRegistry public immutable registry;
    IZkMarginVerifier public immutable verifier;

    address public governance;
    uint96 public challengeBond;
    uint64 public answerWindow;
    uint16 public liquidatorBonusBps;
    uint16 public insuranceBps;

    uint256 public nextAccountId = 1;
    uint128 public totalCollateral;
    uint128 public totalBonds;
    uint256 public insuranceFund;
    uint256 public totalClaimable;

    mapping(uint256 accountId => Account) private _accounts;
    mapping(uint256 accountId => Challenge) private _challenges;
    mapping(address who => uint256) public claimable;

    uint256 private transient _locked;

    event AccountOpened(uint256 indexed accountId, address indexed owner, uint256 commitment, uint64 collateral);
    event Attested(uint256 indexed accountId, uint64 indexed roundId, address indexed attester, uint16 bufferBps);
    event AccountUpdated(
        uint256 indexed accountId,
        uint64 indexed roundId,
        uint256 previousCommitment,
        uint256 newCommitment,
        uint64 previousCollateral,
        uint64 newCollateral
    );
    event Challenged(
        uint256 indexed accountId, address indexed challenger, uint64 indexed roundId, uint64 deadline, uint96 bond
    );
    event ChallengeAnswered(
        uint256 indexed accountId, uint64 indexed roundId, address indexed answerer, address owner, uint96 bond
    );
    event Liquidated(
        uint256 indexed accountId,
        address indexed liquidator,
        uint64 indexed roundId,
        bool byProof,
        uint64 collateral,
        uint256 liquidatorBonus,
        uint256 insuranceShare,
        uint256 ownerRemainder
    );
    event BondReturned(uint256 indexed accountId, address indexed challenger, uint96 bond);
    event Claimed(address indexed who, uint256 amount);
    event ChallengeParametersChanged(uint96 bond, uint64 answerWindow);
    event LiquidationSharesChanged(uint16 liquidatorBonusBps, uint16 insuranceBps);
    event InsuranceWithdrawn(address indexed to, uint256 amount);
    event GovernanceTransferred(address indexed previousGovernance, address indexed newGovernance);

    error PrivateMarginVault__NotGovernance(address caller);
    error PrivateMarginVault__NotOwner(uint256 accountId, address caller);
    error PrivateMarginVault__ZeroAddress();
    error PrivateMarginVault__BadParameters();
    error PrivateMarginVault__Reentrancy();
    error PrivateMarginVault__CommitmentOutOfField();
    error PrivateMarginVault__UnknownAccount(uint256 accountId);
    error PrivateMarginVault__AccountClosed(uint256 accountId);
    error PrivateMarginVault__UnknownRound(uint64 roundId);
    error PrivateMarginVault__StaleRound(uint64 roundId);
    error PrivateMarginVault__RoundTooOld(uint64 roundId, uint64 minRoundId);
    error PrivateMarginVault__ChallengeActive(uint256 accountId);
    error PrivateMarginVault__NoChallenge(uint256 accountId);
    error PrivateMarginVault__AlreadyHealthy(uint256 accountId, uint64 roundId);
    error PrivateMarginVault__WindowOpen(uint256 accountId, uint64 deadline);
    error PrivateMarginVault__WindowClosed(uint256 accountId, uint64 deadline);
    error PrivateMarginVault__InsufficientInsurance(uint256 requested, uint256 available);
    error PrivateMarginVault__NothingToClaim();

    modifier nonReentrant() {
        if (_locked != 0) revert PrivateMarginVault__Reentrancy();
        _locked = 1;
        _;
        _locked = 0;
    }

    modifier onlyGovernance() {
        if (msg.sender != governance) revert PrivateMarginVault__NotGovernance(msg.sender);
        _;
    }

    constructor(
        IERC20Minimal token_,
        OracleRegistry registry_,
        IZkMarginVerifier verifier_,
        address governance_,
        uint96 challengeBond_,
        uint64 answerWindow_,
        uint16 liquidatorBonusBps_,
        uint16 insuranceBps_
    ) {
        if (
            address(token_) == address(0) || address(registry_) == address(0) || address(verifier_) == address(0)
                || governance_ == address(0)
        ) revert PrivateMarginVault__ZeroAddress();
        token = token_;
        registry = registry_;
        verifier = verifier_;
        governance = governance_;
        emit GovernanceTransferred(address(0), governance_);
        _setChallengeParameters(challengeBond_, answerWindow_);
        _setLiquidationShares(liquidatorBonusBps_, insuranceBps_);
    }

    // ================================================================== accounts

    /// @notice Opens an account with `commitment` and deposits `amount` of collateral (transferFrom the sender,
    ///         who becomes the account owner). No proof: every later proof is checked against this collateral.
    /// @param commitment the account commitment (a field element); it must commit to collateral == amount, or
    ///        no proof about the account will ever verify
    /// @return accountId the new account's id (from 1)
    function open(uint256 commitment, uint64 amount) external nonReentrant returns (uint256 accountId) {
        if (commitment >= SNARK_SCALAR_FIELD) revert PrivateMarginVault__CommitmentOutOfField();
        accountId = nextAccountId++;
        Account storage a = _accounts[accountId];
        a.collateral = amount;
        a.status = Status.Active;
        a.commitment = commitment;
        a.owner = msg.sender;
        totalCollateral += amount;
        emit AccountOpened(accountId, msg.sender, commitment, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Records that the account meets its maintenance margin with `bufferBps` to spare at `roundId`
    ///         (known and fresh). Anyone holding such a proof bound to their own address may attest. At or after a
    ///         pending challenge's round it settles the challenge (answered within the window, closed after it).
    /// @dev statement = margin(msg.sender, bufferBps, maintenance, collateral).
    function attest(uint256 accountId, uint64 roundId, uint8 capacity, uint16 bufferBps, uint256[8] calldata proof)
        external
    {
        Account storage a = _activeAccount(accountId);
        uint64 collateral = a.collateral;
        uint64 lastHealthy = a.lastHealthyRound;
        uint256 roundCommitment = _freshRoundCommitment(roundId);
        verifier.verifyMargin(
            capacity,
            proof,
            a.commitment,
            roundCommitment,
            ZkMarginStatements.margin(msg.sender, bufferBps, false, collateral)
        );
        if (roundId > lastHealthy) a.lastHealthyRound = roundId;
        emit Attested(accountId, roundId, msg.sender, bufferBps);
        // A margin proof at (or after) a pending challenge's round settles it: within the window it answers it
        // (the bond goes to the owner); after the window it closes it with the bond back to the challenger, as
        // the account is now proven healthy and must not be liquidated for that round.
        uint64 challengeRound = a.challengeRound;
        if (challengeRound != 0 && roundId >= challengeRound) {
            if (block.timestamp <= _challenges[accountId].deadline) _answerChallenge(accountId, a, roundId);
            else _closeChallenge(accountId, a);
        }
    }

    /// @notice Replaces the account's commitment and collateral (after a trade, a deposit or a withdrawal).
    ///         Owner only. Needs an INITIAL-margin proof of the new commitment with the new collateral at a fresh
    ///         round >= lastHealthyRound (and >= the challenge round if challenged, which this then answers).
    ///         Moves the collateral difference: newCollateral > current pulls the difference from the owner,
    ///         newCollateral < current sends it to the owner.
    /// @dev statement = margin(msg.sender, 0, initial, newCollateral). The proof is about the new book only: the
    ///      circuits prove no transition from the old commitment, so the venue that matches the owner's trades must
    ///      make sure the new book is the real one (this vault only guarantees that collateral leaves under an
    ///      initial-margin proof of the committed book).
    function update(
        uint256 accountId,
        uint256 newCommitment,
        uint64 newCollateral,
        uint64 roundId,
        uint8 capacity,
        uint256[8] calldata proof
    ) external nonReentrant {
        Account storage a = _activeAccount(accountId);
        if (msg.sender != a.owner) revert PrivateMarginVault__NotOwner(accountId, msg.sender);
        bool challenged = _checkUpdateRound(accountId, a.lastHealthyRound, roundId);
        verifier.verifyMargin(
            capacity,
            proof,
            newCommitment,
            _freshRoundCommitment(roundId),
            ZkMarginStatements.margin(msg.sender, 0, true, newCollateral)
        );

        uint64 previousCollateral = a.collateral;
        emit AccountUpdated(accountId, roundId, a.commitment, newCommitment, previousCollateral, newCollateral);
        a.collateral = newCollateral;
        a.lastHealthyRound = roundId;
        a.commitment = newCommitment;
        totalCollateral = totalCollateral - previousCollateral + newCollateral;
        if (challenged) _answerChallenge(accountId, a, roundId);

        if (newCollateral > previousCollateral) {
            token.safeTransferFrom(msg.sender, address(this), newCollateral - previousCollateral);
        } else if (newCollateral < previousCollateral) {
            token.safeTransfer(msg.sender, previousCollateral - newCollateral);
        }
    }

    // ================================================================== prove or be liquidated

    /// @notice Challenges the account to prove its maintenance margin at the registry's latest round, which
    ///         must be fresh and newer than the account's lastHealthyRound. Pulls `challengeBond` from the sender.
    /// @return roundId the challenge round
    /// @return deadline the last second at which an answer is accepted
    function challenge(uint256 accountId) external nonReentrant returns (uint64 roundId, uint64 deadline) {
        Account storage a = _activeAccount(accountId);
        Challenge storage c = _challenges[accountId];
        if (c.challenger != address(0)) revert PrivateMarginVault__ChallengeActive(accountId);
        (roundId,,) = registry.latestRound();
        if (roundId == 0) revert PrivateMarginVault__UnknownRound(0);
        if (!registry.isFresh(roundId)) revert PrivateMarginVault__StaleRound(roundId);
        if (a.lastHealthyRound >= roundId) revert PrivateMarginVault__AlreadyHealthy(accountId, roundId);

        uint96 bond = challengeBond;
        deadline = uint64(block.timestamp) + answerWindow;
        c.challenger = msg.sender;
        c.bond = bond;
        c.roundId = roundId;
        c.deadline = deadline;
        a.challengeRound = roundId;
        totalBonds += bond;
        emit Challenged(accountId, msg.sender, roundId, deadline, bond);
        if (bond != 0) token.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @notice Answers the account's challenge with a maintenance margin proof at the challenge round (accepted
    ///         even if stale by now) or at a later fresh round, within the window. Anyone holding such a proof
    ///         bound to their own address may answer; the bond is credited to the account owner (`claim`).
    /// @dev statement = margin(msg.sender, 0, maintenance, collateral).
    function answer(uint256 accountId, uint64 roundId, uint8 capacity, uint256[8] calldata proof)
        external
        nonReentrant
    {
        Account storage a = _activeAccount(accountId);
        Challenge storage c = _challenges[accountId];
        if (c.challenger == address(0)) revert PrivateMarginVault__NoChallenge(accountId);
        if (block.timestamp > c.deadline) revert PrivateMarginVault__WindowClosed(accountId, c.deadline);
        uint64 challengeRound = c.roundId;
        uint256 roundCommitment;
        if (roundId == challengeRound) {
            (roundCommitment,,) = registry.getRound(roundId);
        } else if (roundId > challengeRound) {
            roundCommitment = _freshRoundCommitment(roundId);
        } else {
            revert PrivateMarginVault__RoundTooOld(roundId, challengeRound);
        }
        verifier.verifyMargin(
            capacity,
            proof,
            a.commitment,
            roundCommitment,
            ZkMarginStatements.margin(msg.sender, 0, false, a.collateral)
        );
        if (roundId > a.lastHealthyRound) a.lastHealthyRound = roundId;
        _answerChallenge(accountId, a, roundId);
    }

    /// @notice Liquidates an account whose challenge went unanswered past its window. Anyone; the caller gets
    ///         the liquidator bonus, the challenger's bond is credited back to the challenger.
    function liquidateUnanswered(uint256 accountId) external nonReentrant {
        Account storage a = _activeAccount(accountId);
        Challenge storage c = _challenges[accountId];
        if (c.challenger == address(0)) revert PrivateMarginVault__NoChallenge(accountId);
        if (block.timestamp <= c.deadline) revert PrivateMarginVault__WindowOpen(accountId, c.deadline);
        // Never for a round the account has proven its margin at (attest and update settle challenges too).
        if (a.lastHealthyRound >= c.roundId) revert PrivateMarginVault__AlreadyHealthy(accountId, c.roundId);
        _liquidate(accountId, a, c.roundId, false);
    }

    /// @notice Liquidates the account at once with a liquidation proof (maintenance > 0 and equity <
    ///         maintenance) at a known fresh round >= lastHealthyRound, bound to the sender, who gets the bonus.
    /// @dev statement = liquidation(msg.sender, collateral).
    function liquidateByProof(uint256 accountId, uint64 roundId, uint8 capacity, uint256[8] calldata proof)
        external
        nonReentrant
    {
        Account storage a = _activeAccount(accountId);
        uint64 lastHealthy = a.lastHealthyRound;
        if (roundId < lastHealthy) revert PrivateMarginVault__RoundTooOld(roundId, lastHealthy);
        uint256 roundCommitment = _freshRoundCommitment(roundId);
        verifier.verifyLiquidation(
            capacity, proof, a.commitment, roundCommitment, ZkMarginStatements.liquidation(msg.sender, a.collateral)
        );
        _liquidate(accountId, a, roundId, true);
    }

    /// @notice Withdraws the sender's credits (answered bonds, returned bonds, liquidation remainders).
    function claim() external nonReentrant returns (uint256 amount) {
        amount = claimable[msg.sender];
        if (amount == 0) revert PrivateMarginVault__NothingToClaim();
        claimable[msg.sender] = 0;
        totalClaimable -= amount;
        emit Claimed(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ================================================================== governance

    function setChallengeParameters(uint96 bond, uint64 window) external onlyGovernance {
        _setChallengeParameters(bond, window);
    }

    function setLiquidationShares(uint16 bonusBps, uint16 insuranceShareBps) external onlyGovernance {
        _setLiquidationShares(bonusBps, insuranceShareBps);
    }

    function withdrawInsurance(address to, uint256 amount) external onlyGovernance nonReentrant {
        if (to == address(0)) revert PrivateMarginVault__ZeroAddress();
        uint256 available = insuranceFund;
        if (amount > available) revert PrivateMarginVault__InsufficientInsurance(amount, available);
        insuranceFund = available - amount;
        emit InsuranceWithdrawn(to, amount);
        token.safeTransfer(to, amount);
    }

    function transferGovernance(address newGovernance) external onlyGovernance {
        if (newGovernance == address(0)) revert PrivateMarginVault__ZeroAddress();
        emit GovernanceTransferred(governance, newGovernance);
        governance = newGovernance;
    }

    // ================================================================== views

    function getAccount(uint256 accountId) external view returns (Account memory) {
        return _accounts[accountId];
    }

    function getChallenge(uint256 accountId) external view returns (Challenge memory) {
        return _challenges[accountId];
    }

    /// @notice What the vault must hold: account collateral + bonds + insurance fund + unclaimed credits.
    function accountedBalance() external view returns (uint256) {
        return uint256(totalCollateral) + uint256(totalBonds) + insuranceFund + totalClaimable;
    }

    /// @notice The margin statement the vault builds (for provers): binder + 2^160 bufferBps + 2^176 useInitial
    ///         + 2^177 collateral.
    function marginStatement(address binder, uint16 bufferBps, bool useInitial, uint64 collateral)
        external
        pure
        returns (uint256)
    {
        return ZkMarginStatements.margin(binder, bufferBps, useInitial, collateral);
    }

    /// @notice The liquidation statement the vault builds (for provers): liquidator + 2^160 collateral.
    function liquidationStatement(address liquidator, uint64 collateral) external pure returns (uint256) {
        return ZkMarginStatements.liquidation(liquidator, collateral);
    }

    // ================================================================== internals

    function _activeAccount(uint256 accountId) private view returns (Account storage a) {
        a = _accounts[accountId];
        Status status = a.status;
        if (status != Status.Active) {
            if (status == Status.None) revert PrivateMarginVault__UnknownAccount(accountId);
            revert PrivateMarginVault__AccountClosed(accountId);
        }
    }

    function _freshRoundCommitment(uint64 roundId) private view returns (uint256 commitment) {
        uint64 timestamp;
        bool fresh;
        (commitment, timestamp, fresh) = registry.getRound(roundId);
        if (timestamp == 0) revert PrivateMarginVault__UnknownRound(roundId);
        if (!fresh) revert PrivateMarginVault__StaleRound(roundId);
    }

    /// @dev Checks an update's round: >= lastHealthyRound, and if challenged, within the window and >= the
    ///      challenge round. Returns whether the account is challenged (the update then answers it).
    function _checkUpdateRound(uint256 accountId, uint64 lastHealthy, uint64 roundId)
        private
        view
        returns (bool challenged)
    {
        uint64 minRound = lastHealthy;
        Challenge storage c = _challenges[accountId];
        challenged = c.challenger != address(0);
        if (challenged) {
            uint64 deadline = c.deadline;
            if (block.timestamp > deadline) revert PrivateMarginVault__WindowClosed(accountId, deadline);
            if (c.roundId > minRound) minRound = c.roundId;
        }
        if (roundId < minRound) revert PrivateMarginVault__RoundTooOld(roundId, minRound);
    }

    /// @dev Closes the challenge in the owner's favour: bond credited to the owner.
    function _answerChallenge(uint256 accountId, Account storage a, uint64 roundId) private {
        address owner = a.owner;
        uint96 bond = _challenges[accountId].bond;
        delete _challenges[accountId];
        a.challengeRound = 0;
        totalBonds -= bond;
        claimable[owner] += bond;
        totalClaimable += bond;
        emit ChallengeAnswered(accountId, roundId, msg.sender, owner, bond);
    }

    /// @dev Closes the challenge without a winner (the account proved its margin after the window): the bond is
    ///      credited back to the challenger.
    function _closeChallenge(uint256 accountId, Account storage a) private {
        Challenge storage c = _challenges[accountId];
        address challenger = c.challenger;
        uint96 bond = c.bond;
        delete _challenges[accountId];
        a.challengeRound = 0;
        totalBonds -= bond;
        claimable[challenger] += bond;
        totalClaimable += bond;
        emit BondReturned(accountId, challenger, bond);
    }

    /// @dev Seizes the collateral: bonus to msg.sender (transferred), insurance share to the fund, the rest
    ///      credited to the owner; a pending challenge is closed with its bond credited back to the challenger.
    function _liquidate(uint256 accountId, Account storage a, uint64 roundId, bool byProof) private {
        uint64 collateral = a.collateral;
        address owner = a.owner;
        uint256 bonus = (uint256(collateral) * liquidatorBonusBps) / BPS;
        uint256 insuranceShare = (uint256(collateral) * insuranceBps) / BPS;
        uint256 remainder = uint256(collateral) - bonus - insuranceShare;

        a.status = Status.Liquidated;
        a.collateral = 0;
        totalCollateral -= collateral;
        insuranceFund += insuranceShare;
        if (remainder != 0) {
            claimable[owner] += remainder;
            totalClaimable += remainder;
        }
        if (_challenges[accountId].challenger != address(0)) _closeChallenge(accountId, a);
        emit Liquidated(accountId, msg.sender, roundId, byProof, collateral, bonus, insuranceShare, remainder);
        if (bonus != 0) token.safeTransfer(msg.sender, bonus);
    }

    function _setChallengeParameters(uint96 bond, uint64 window) private {
        if (window == 0) revert PrivateMarginVault__BadParameters();
        challengeBond = bond;
        answerWindow = window;
        emit ChallengeParametersChanged(bond, window);
    }

    function _setLiquidationShares(uint16 bonusBps, uint16 insuranceShareBps) private {
        if (uint256(bonusBps) + insuranceShareBps > BPS) revert PrivateMarginVault__BadParameters();
        liquidatorBonusBps = bonusBps;
        insuranceBps = insuranceShareBps;
        emit LiquidationSharesChanged(bonusBps, insuranceShareBps);
    }
}

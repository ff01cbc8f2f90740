// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ZkMarginCapacity} from "./generated/ZkMarginCapacity.sol";
import {IERC20Minimal} from "./interfaces/IERC20Minimal.sol";
import {IZkMarginVerifier} from "./interfaces/IZkMarginVerifier.sol";
import {SafeTransfer} from "./lib/SafeTransfer.sol";
import {Timelock} from "./lib/Timelock.sol";
import {ZkMarginHash} from "./lib/ZkMarginHash.sol";
import {ZkMarginStatements} from "./lib/ZkMarginStatements.sol";
import {OracleRegistry} from "./OracleRegistry.sol";

/// @title ClearingVault
/// @notice Private clearing (state v2, circuits/README.md and contracts/README.md). An account is a Poseidon
///         commitment to a hidden state (salt, nonce, cash, fill-chain head, one slot per market). The vault never
///         sees the state: it moves an account's commitment only by a proven transition whose old commitment is the
///         current one (the nonce moves, so no proof applies twice), and it builds every public input itself:
///
///         | entry point | statement       | public inputs                                                        |
///         | applyFills  | ApplyFillsProof | [C, newC, heads[applied + k], k + 2^16 L]                            |
///         | deposit     | DepositProof    | [C, newC, amount]                                                    |
///         | withdraw    | WithdrawProof   | [C, newC, round, amount]                                             |
///         | attest      | MarginProof     | [C, round, margin(sender, bufferBps, maintenance, conservative)]     |
///         | answer      | MarginProof     | [C, round, margin(sender, 0, maintenance, favourable)]               |
///         | takeover    | TakeoverProof   | [C_victim, C_liq, newC_liq, round, takeover(amounts, penaltyBps, d)] |
///
///         The venue posts fills (`postFill`): each is appended to both traders' fill chains and to the fee
///         account's (id 1, the venue's, opened by the constructor). Liquidation is a takeover: the owner of a
///         liquidator account proves the victim below maintenance at the latest fresh round (or its challenge
///         defaulted) and absorbs its positions; the victim's equity pays the penalty (insurance, challenger and
///         liquidator shares) and the rest to its owner; negative equity is bad debt, paid by the insurance fund.
///
///         Accounting (token base units): accountsBalance (what the accounts' equity is owed), insuranceFund (signed:
///         bad debt may drive it negative, a socialised deficit), totalBonds, totalClaimable;
///         token.balanceOf(vault) == accountsBalance + insuranceFund + totalBonds + totalClaimable.
///         Credits to anyone but the sender are pull payments (`claim`).
///
///         Governance (contracts/README.md "Governance"): every parameter has hard bounds in code, every change
///         (parameters, insurance withdrawals) waits GOVERNANCE_DELAY in the Timelock, governance moves in two
///         steps, and the venue is immutable.
contract ClearingVault is Timelock {
    using SafeTransfer for IERC20Minimal;

    /// @notice The BN254 scalar field modulus r.
    uint256 public constant SNARK_SCALAR_FIELD = ZkMarginHash.FIELD;
    /// @notice Fills of one apply-fills proof (K).
    uint256 public constant FILLS_PER_PROOF = ZkMarginCapacity.FILLS_PER_PROOF;
    /// @notice The venue's fee account.
    uint256 public constant FEE_ACCOUNT_ID = ZkMarginCapacity.FEE_ACCOUNT_ID;
    /// @notice Book hash of the genesis state.
    uint256 public constant EMPTY_BOOK = ZkMarginCapacity.EMPTY_BOOK;
    /// @notice Basis points in one.
    uint256 public constant BPS = 10_000;
    /// @notice The shortest answer window governance may set: time for a watching owner to apply the fills posted
    ///         before the challenge, prove and get the answer included.
    uint64 public constant MIN_ANSWER_WINDOW = 1 hours;
    /// @notice The longest answer window governance may set.
    uint64 public constant MAX_ANSWER_WINDOW = 7 days;
    /// @notice The smallest challenge bond (1 token): a challenge is never free; an answered one pays the owner.
    uint96 public constant MIN_CHALLENGE_BOND = 1e6;
    /// @notice The largest challenge bond (10,000 tokens): challenges stay affordable.
    uint96 public constant MAX_CHALLENGE_BOND = 10_000e6;
    /// @notice The largest takeover penalty cap, basis points of the victim's notional (10 %).
    uint16 public constant MAX_PENALTY_BPS = 1_000;
    /// @notice The largest insurance share of a penalty, basis points.
    uint16 public constant MAX_INSURANCE_BPS = 5_000;
    /// @notice The largest challenger share of a penalty, basis points.
    uint16 public constant MAX_CHALLENGER_BPS = 5_000;
    /// @notice The smallest liquidator share of a penalty, basis points (insuranceBps + challengerBps <= 8,000).
    uint16 public constant MIN_LIQUIDATOR_BPS = 2_000;
    /// @notice Decimals the token must have (the cash scale is 10^10 token units).
    uint8 public constant TOKEN_DECIMALS = 6;

    enum Status {
        None,
        Active,
        Liquidated
    }

    struct Account {
        // slot 0: everything attest and postFill read (one SLOAD on the proof path)
        uint64 posted; // fills appended to the account's chain
        uint64 applied; // fills the commitment includes
        uint64 lastHealthyRound; // newest round the current state was proven healthy at
        uint56 challengeDeadline; // last second an answer to the pending challenge is accepted (0: none)
        Status status;
        // slot 1
        uint256 commitment;
        // slot 2
        address owner;
    }

    /// @notice An account as getAccount returns it (the pending challenge's round included).
    struct AccountView {
        address owner;
        uint64 posted;
        Status status;
        uint64 applied;
        uint64 lastHealthyRound;
        uint64 challengeRound; // 0: no challenge
        uint64 challengeDeadline; // 0: no challenge
        uint256 commitment;
    }

    struct Challenge {
        address challenger;
        uint96 bond;
        uint64 roundId; // the challenge round
        uint64 posted; // the account's posted fills when challenged: an answer must include them, no more
    }

    /// @notice The collateral token (6 decimals).
    IERC20Minimal public immutable token;
    /// @notice The oracle rounds and risk table.
    OracleRegistry public immutable registry;
    /// @notice The statements' verifiers (the vault's profile).
    IZkMarginVerifier public immutable verifier;
    /// @notice The venue: posts fills, owns the fee account.
    address public immutable venue;
    /// @notice vault + 2^160 chainId: the first input of every account commitment.
    uint256 public immutable domain;

    /// @notice Governance (parameters, insurance withdrawals; every change through the Timelock).
    address public governance;
    /// @notice The address governance was offered to (it takes it with acceptGovernance); 0: none.
    address public pendingGovernance;
    /// @notice Bond a challenger posts.
    uint96 public challengeBond;
    /// @notice Seconds an account has to answer a challenge.
    uint64 public answerWindow;
    /// @notice Penalty cap of a takeover, basis points of the victim's notional (the takeover proof's penaltyBps).
    uint16 public penaltyBps;
    /// @notice Share of a takeover penalty to the insurance fund, basis points.
    uint16 public insuranceBps;
    /// @notice Share of a takeover penalty to the challenger of a pending challenge, basis points.
    uint16 public challengerBps;

    /// @notice The next account id.
    uint256 public nextAccountId = 1;
    /// @notice Tokens owed to the accounts' equity (10^-10 of the sum of their cash at a common round).
    uint256 public accountsBalance;
    /// @notice The insurance fund; negative: a deficit socialised across the accounts.
    int256 public insuranceFund;
    /// @notice Challenge bonds held.
    uint256 public totalBonds;
    /// @notice Credits not yet claimed.
    uint256 public totalClaimable;
    /// @notice Credits per address (answered bonds, payouts, penalty shares).
    mapping(address who => uint256) public claimable;

    mapping(uint256 accountId => Account) private _accounts;
    mapping(uint256 accountId => Challenge) private _challenges;
    /// @dev heads[id][i]: the account's fill-chain head after i fills (heads[id][0] = 0).
    mapping(uint256 accountId => mapping(uint256 index => uint256)) private _heads;

    uint256 private transient _locked;

    event AccountOpened(uint256 indexed accountId, address indexed owner, uint256 commitment);
    /// @notice A fill was appended: `indexA`, `indexB`, `indexFee` are its positions (new `posted`) in each chain.
    event FillPosted(
        uint256 indexed accountA, uint256 indexed accountB, uint256 fill, uint64 indexA, uint64 indexB, uint64 indexFee
    );
    event FillsApplied(uint256 indexed accountId, uint256 count, uint64 applied, uint256 newCommitment);
    event Deposited(uint256 indexed accountId, address indexed from, uint64 amount, uint256 newCommitment);
    event Withdrawn(uint256 indexed accountId, address indexed owner, uint64 indexed roundId, uint64 amount, uint256 newCommitment);
    event Attested(uint256 indexed accountId, uint64 indexed roundId, address indexed attester, uint16 bufferBps);
    event Challenged(
        uint256 indexed accountId, address indexed challenger, uint64 indexed roundId, uint64 deadline, uint96 bond
    );
    event ChallengeAnswered(
        uint256 indexed accountId, uint64 indexed roundId, address indexed answerer, address owner, uint96 bond
    );
    event TakenOver(
        uint256 indexed victimId,
        uint256 indexed liquidatorId,
        uint64 indexed roundId,
        bool defaulted,
        uint64 ownerPayout,
        uint64 penalty,
        uint64 badDebt,
        uint256 newLiquidatorCommitment
    );
    /// @notice How a takeover's penalty was shared (the challenger's share excludes its returned bond).
    event PenaltySplit(
        uint256 indexed victimId,
        address indexed liquidator,
        address indexed challenger,
        uint256 insuranceShare,
        uint256 challengerShare,
        uint256 liquidatorShare
    );
    event Credited(address indexed who, uint256 amount);
    event Claimed(address indexed who, uint256 amount);
    event InsuranceFunded(address indexed from, uint256 amount);
    event InsuranceWithdrawn(address indexed to, uint256 amount);
    event ChallengeParametersChanged(uint96 bond, uint64 answerWindow);
    event LiquidationParametersChanged(uint16 penaltyBps, uint16 insuranceBps, uint16 challengerBps);
    event GovernanceTransferStarted(address indexed governance, address indexed pendingGovernance);
    event GovernanceTransferred(address indexed previousGovernance, address indexed newGovernance);

    error ClearingVault__ZeroAddress();
    /// @notice A constructor address (token, registry, verifier) has no code.
    error ClearingVault__NotAContract(address account);
    /// @notice The token's decimals() reverted or did not return a uint8.
    error ClearingVault__NoTokenDecimals(address token);
    error ClearingVault__BadTokenDecimals(uint256 decimals);
    error ClearingVault__ProfileMismatch(uint8 verifierRiskTag, uint8 registryRiskTag);
    error ClearingVault__ChainIdTooLarge(uint256 chainId);
    error ClearingVault__BondOutOfBounds(uint256 bond, uint256 min, uint256 max);
    error ClearingVault__WindowOutOfBounds(uint256 window, uint256 min, uint256 max);
    error ClearingVault__PenaltyOutOfBounds(uint256 penaltyBps, uint256 max);
    /// @notice insuranceBps <= 5,000, challengerBps <= 5,000 and their sum <= 8,000 (the liquidator keeps 20 %).
    error ClearingVault__SharesOutOfBounds(uint256 insuranceBps, uint256 challengerBps);
    error ClearingVault__NotPendingGovernance(address caller);
    error ClearingVault__Reentrancy();
    error ClearingVault__NotGovernance(address caller);
    error ClearingVault__NotVenue(address caller);
    error ClearingVault__NotOwner(uint256 accountId, address caller);
    error ClearingVault__UnknownAccount(uint256 accountId);
    error ClearingVault__AccountClosed(uint256 accountId);
    /// @notice The account's challenge expired unanswered: it may only be brought up to date, funded, taken over.
    error ClearingVault__Defaulted(uint256 accountId);
    /// @notice The fee account cannot take this part (it holds no positions: never traded, challenged, taken over
    ///         or used as a liquidator).
    error ClearingVault__FeeAccount();
    /// @notice A fill between an account and itself.
    error ClearingVault__SelfTrade(uint256 accountId);
    error ClearingVault__SameAccount(uint256 accountId);
    error ClearingVault__FillOutOfField();
    /// @notice An apply-fills count outside 1..K.
    error ClearingVault__BadFillCount(uint256 count);
    /// @notice Applying `count` more fills would go beyond the fills posted to the account.
    error ClearingVault__NotPosted(uint256 accountId, uint256 upTo, uint64 posted);
    /// @notice The account has posted fills its commitment does not include yet.
    error ClearingVault__NotUpToDate(uint256 accountId, uint64 applied, uint64 posted);
    error ClearingVault__ZeroAmount();
    error ClearingVault__UnknownRound(uint64 roundId);
    error ClearingVault__StaleRound(uint64 roundId);
    error ClearingVault__NotLatestRound(uint64 roundId, uint64 latestRoundId);
    error ClearingVault__RoundTooOld(uint64 roundId, uint64 minRoundId);
    error ClearingVault__ChallengeActive(uint256 accountId);
    error ClearingVault__NoChallenge(uint256 accountId);
    error ClearingVault__AlreadyHealthy(uint256 accountId, uint64 roundId);
    error ClearingVault__WindowClosed(uint256 accountId, uint64 deadline);
    /// @notice Paying this would take more than the accounts are owed (losers' deficits not yet taken over).
    error ClearingVault__InsufficientAccountsBalance(uint256 requested, uint256 available);
    error ClearingVault__InsufficientInsurance(uint256 requested, int256 available);
    /// @notice The vault's balance grew by another amount than was transferred (fee-on-transfer token).
    error ClearingVault__TransferMismatch(uint256 expected, uint256 received);
    error ClearingVault__NothingToClaim();

    modifier nonReentrant() {
        if (_locked != 0) revert ClearingVault__Reentrancy();
        _locked = 1;
        _;
        _locked = 0;
    }

    modifier onlyGovernance() {
        if (msg.sender != governance) revert ClearingVault__NotGovernance(msg.sender);
        _;
    }

    /// @param token_ the collateral token (6 decimals: the quote scale is 10^10 cash units per token unit)
    /// @param registry_ the oracle registry (its risk tag must be the verifier's)
    /// @param verifier_ the statements' verifier adapter
    /// @param venue_ posts fills and owns the fee account (id 1); immutable
    /// @param governance_ parameters and insurance (changes through the Timelock)
    /// @param challengeBond_ bond of a challenge (token units), in [MIN_CHALLENGE_BOND, MAX_CHALLENGE_BOND]
    /// @param answerWindow_ seconds to answer a challenge, in [MIN_ANSWER_WINDOW, MAX_ANSWER_WINDOW]
    /// @param penaltyBps_ penalty cap, bps of the victim's notional (<= MAX_PENALTY_BPS)
    /// @param insuranceBps_ insurance share of a penalty, bps (<= MAX_INSURANCE_BPS)
    /// @param challengerBps_ challenger share of a penalty, bps (<= MAX_CHALLENGER_BPS; the two sum to at most
    ///        10^4 - MIN_LIQUIDATOR_BPS)
    constructor(
        IERC20Minimal token_,
        OracleRegistry registry_,
        IZkMarginVerifier verifier_,
        address venue_,
        address governance_,
        uint96 challengeBond_,
        uint64 answerWindow_,
        uint16 penaltyBps_,
        uint16 insuranceBps_,
        uint16 challengerBps_
    ) {
        if (
            address(token_) == address(0) || address(registry_) == address(0) || address(verifier_) == address(0)
                || venue_ == address(0) || governance_ == address(0)
        ) revert ClearingVault__ZeroAddress();
        _requireContract(address(registry_));
        _requireContract(address(verifier_));
        uint256 decimals = _tokenDecimals(address(token_));
        if (decimals != TOKEN_DECIMALS) revert ClearingVault__BadTokenDecimals(decimals);
        if (verifier_.riskTag() != registry_.riskTag()) {
            revert ClearingVault__ProfileMismatch(verifier_.riskTag(), registry_.riskTag());
        }
        if (block.chainid >= 1 << 64) revert ClearingVault__ChainIdTooLarge(block.chainid);
        token = token_;
        registry = registry_;
        verifier = verifier_;
        venue = venue_;
        domain = uint256(uint160(address(this))) | (block.chainid << 160);
        governance = governance_;
        emit GovernanceTransferred(address(0), governance_);
        _setChallengeParameters(challengeBond_, answerWindow_);
        _setLiquidationParameters(penaltyBps_, insuranceBps_, challengerBps_);
        _open(venue_); // the fee account, id 1
    }

    // ================================================================== accounts and fills

    /// @notice Opens an account owned by the sender at the genesis state (salt, nonce, cash, head, slots 0):
    ///         commitment = Poseidon4(domain, id, owner, EMPTY_BOOK).
    /// @return accountId the new account's id
    function open() external nonReentrant returns (uint256 accountId) {
        accountId = _open(msg.sender);
    }

    /// @notice Venue only: appends `fill` (a fill commitment, circuits/README.md "Fill") to the chains of accounts
    ///         `a` and `b` (the two sides; which one bought is not public) and of the fee account.
    /// @dev For x in (a, b, fee account): heads[x][posted + 1] = Poseidon2(heads[x][posted], fill); posted += 1.
    function postFill(uint256 a, uint256 b, uint256 fill) external nonReentrant {
        if (msg.sender != venue) revert ClearingVault__NotVenue(msg.sender);
        if (a == b) revert ClearingVault__SelfTrade(a);
        if (a == FEE_ACCOUNT_ID || b == FEE_ACCOUNT_ID) revert ClearingVault__FeeAccount();
        Account storage accountA = _activeAccount(a);
        Account storage accountB = _activeAccount(b);
        if (_isDefaulted(accountA)) revert ClearingVault__Defaulted(a);
        if (_isDefaulted(accountB)) revert ClearingVault__Defaulted(b);
        if (fill >= SNARK_SCALAR_FIELD) revert ClearingVault__FillOutOfField();
        uint64 indexA = _append(a, accountA, fill);
        uint64 indexB = _append(b, accountB, fill);
        uint64 indexFee = _append(FEE_ACCOUNT_ID, _accounts[FEE_ACCOUNT_ID], fill);
        emit FillPosted(a, b, fill, indexA, indexB, indexFee);
    }

    /// @notice Applies the account's next `count` posted fills with an apply-fills proof (anyone holding the data:
    ///         the result is forced by the chain).
    /// @dev ApplyFills([C, newC, heads[applied + count], count + 2^16 L]).
    /// @param count 1 to K fills, in chain order
    /// @param newCommitment the account's commitment after them
    function applyFills(uint256 accountId, uint256 count, uint256 newCommitment, uint256[8] calldata proof)
        external
        nonReentrant
    {
        Account storage account = _activeAccount(accountId);
        if (count == 0 || count > FILLS_PER_PROOF) revert ClearingVault__BadFillCount(count);
        uint64 posted = account.posted;
        uint256 upTo = uint256(account.applied) + count;
        if (upTo > posted) revert ClearingVault__NotPosted(accountId, upTo, posted);
        verifier.verifyApplyFills(
            proof,
            [
                account.commitment,
                newCommitment,
                _heads[accountId][upTo],
                ZkMarginStatements.applyFills(count, registry.listedMarkets())
            ]
        );
        account.commitment = newCommitment;
        account.applied = uint64(upTo);
        // The new state is another book: no margin proof is about it yet (a deposit, which only adds cash, keeps it).
        account.lastHealthyRound = 0;
        emit FillsApplied(accountId, count, uint64(upTo), newCommitment);
    }

    /// @notice Deposits `amount` tokens (from the sender) into the account's cash with a deposit proof.
    /// @dev Deposit([C, newC, amount]).
    function deposit(uint256 accountId, uint64 amount, uint256 newCommitment, uint256[8] calldata proof)
        external
        nonReentrant
    {
        Account storage account = _activeAccount(accountId);
        if (amount == 0) revert ClearingVault__ZeroAmount();
        verifier.verifyDeposit(proof, [account.commitment, newCommitment, uint256(amount)]);
        account.commitment = newCommitment;
        accountsBalance += amount;
        emit Deposited(accountId, msg.sender, amount, newCommitment);
        _pull(msg.sender, amount);
    }

    /// @notice Owner only: withdraws `amount` tokens with a withdraw proof (the new state meets the initial
    ///         requirement at the latest round, which must be fresh). The account must be up to date (the fee
    ///         account is exempt: its pending fills only add fees). Answers a pending challenge.
    /// @dev Withdraw([C, newC, round, amount]).
    function withdraw(
        uint256 accountId,
        uint64 amount,
        uint64 roundId,
        uint256 newCommitment,
        uint256[8] calldata proof
    ) external nonReentrant {
        Account storage account = _activeAccount(accountId);
        address owner = account.owner;
        if (msg.sender != owner) revert ClearingVault__NotOwner(accountId, msg.sender);
        if (_isDefaulted(account)) revert ClearingVault__Defaulted(accountId);
        if (accountId != FEE_ACCOUNT_ID) _requireUpToDate(accountId, account);
        if (amount == 0) revert ClearingVault__ZeroAmount();
        uint256 roundCommitment = _latestFreshRound(roundId);
        verifier.verifyWithdraw(proof, [account.commitment, newCommitment, roundCommitment, uint256(amount)]);
        account.commitment = newCommitment;
        account.lastHealthyRound = roundId;
        if (account.challengeDeadline != 0) _answerChallenge(accountId, account, roundId);
        _debitAccounts(amount);
        emit Withdrawn(accountId, owner, roundId, amount, newCommitment);
        token.safeTransfer(owner, amount);
    }

    // ================================================================== prove or be taken over

    /// @notice Records that the account meets maintenance with `bufferBps` to spare at the fresh round `roundId`
    ///         (conservative valuation), with a margin proof bound to the sender. The account must be up to date
    ///         (fee account exempt) and not defaulted. At or after a pending challenge's round it answers it.
    /// @dev Margin([C, round, margin(sender, bufferBps, maintenance, conservative)]).
    function attest(uint256 accountId, uint64 roundId, uint16 bufferBps, uint256[8] calldata proof)
        external
        nonReentrant
    {
        Account storage account = _activeAccount(accountId);
        if (_isDefaulted(account)) revert ClearingVault__Defaulted(accountId);
        if (accountId != FEE_ACCOUNT_ID) _requireUpToDate(accountId, account);
        uint256 roundCommitment = _freshRound(roundId);
        verifier.verifyMargin(
            proof, [account.commitment, roundCommitment, ZkMarginStatements.margin(msg.sender, bufferBps, false, false)]
        );
        if (roundId > account.lastHealthyRound) account.lastHealthyRound = roundId;
        emit Attested(accountId, roundId, msg.sender, bufferBps);
        if (account.challengeDeadline != 0 && roundId >= _challenges[accountId].roundId) _answerChallenge(accountId, account, roundId);
    }

    /// @notice attestBatch: every account of `accountIds` was attested (one event for the batch, not one per account).
    event AttestedBatch(uint64 indexed roundId, address indexed attester, uint16 bufferBps, uint256[] accountIds);
    /// @notice attestBatch: no account, or not one proof per account.
    error ClearingVault__BadBatch(uint256 accounts, uint256 proofs);
    /// @notice attestBatch: the account at `index` is not above the one before it (ids must be strictly increasing).
    error ClearingVault__BatchOrder(uint256 index);

    /// @notice attest for many accounts at once (a keeper proving every account every round): the same round and
    ///         buffer, each account with its own margin proof bound to the sender, all verified together by the margin
    ///         batch verifier (one random linear combination: n + 3 pairings). `accountIds` strictly increasing (no
    ///         account twice); every account must pass attest's checks (a failing one reverts the batch, named), and a
    ///         proof that does not verify rejects the batch (InvalidBatch, naming none). Effects as attest, per account.
    /// @dev Margin([C_i, round, margin(sender, bufferBps, maintenance, conservative)]) for each i, batch-verified.
    function attestBatch(uint256[] calldata accountIds, uint64 roundId, uint16 bufferBps, uint256[8][] calldata proofs)
        external
        nonReentrant
    {
        uint256 n = accountIds.length;
        if (n == 0 || proofs.length != n) revert ClearingVault__BadBatch(n, proofs.length);
        uint256 roundCommitment = _freshRound(roundId);
        uint256 statement = ZkMarginStatements.margin(msg.sender, bufferBps, false, false);
        uint256[] memory inputs = new uint256[](3 * n);
        uint256 previous;
        for (uint256 i = 0; i < n; ++i) {
            uint256 accountId = accountIds[i];
            if (accountId <= previous) revert ClearingVault__BatchOrder(i);
            previous = accountId;
            Account storage account = _activeAccount(accountId);
            if (_isDefaulted(account)) revert ClearingVault__Defaulted(accountId);
            if (accountId != FEE_ACCOUNT_ID) _requireUpToDate(accountId, account);
            inputs[3 * i] = account.commitment;
            inputs[3 * i + 1] = roundCommitment;
            inputs[3 * i + 2] = statement;
        }
        verifier.verifyMarginBatch(proofs, inputs);
        for (uint256 i = 0; i < n; ++i) {
            uint256 accountId = accountIds[i];
            Account storage account = _accounts[accountId];
            if (roundId > account.lastHealthyRound) account.lastHealthyRound = roundId;
            if (account.challengeDeadline != 0 && roundId >= _challenges[accountId].roundId) {
                _answerChallenge(accountId, account, roundId);
            }
        }
        emit AttestedBatch(roundId, msg.sender, bufferBps, accountIds);
    }

    /// @notice Challenges the account to prove maintenance at the registry's latest round, which must be fresh and
    ///         newer than the account's lastHealthyRound. Pulls `challengeBond` from the sender. The answer must
    ///         include the fills posted so far (not those the venue posts later). Unanswered by the deadline, the
    ///         account is defaulted: a takeover then needs no below-maintenance proof.
    /// @return roundId the challenge round
    /// @return deadline the last second an answer is accepted
    function challenge(uint256 accountId) external nonReentrant returns (uint64 roundId, uint64 deadline) {
        Account storage account = _activeAccount(accountId);
        if (accountId == FEE_ACCOUNT_ID) revert ClearingVault__FeeAccount();
        if (account.challengeDeadline != 0) revert ClearingVault__ChallengeActive(accountId);
        bool fresh;
        (roundId,,, fresh) = registry.latestRound();
        if (roundId == 0) revert ClearingVault__UnknownRound(0);
        if (!fresh) revert ClearingVault__StaleRound(roundId);
        if (account.lastHealthyRound >= roundId) revert ClearingVault__AlreadyHealthy(accountId, roundId);

        uint96 bond = challengeBond;
        deadline = uint64(block.timestamp) + answerWindow;
        account.challengeDeadline = uint56(deadline); // window <= MAX_ANSWER_WINDOW keeps it far below 2^56
        _challenges[accountId] =
            Challenge({challenger: msg.sender, bond: bond, roundId: roundId, posted: account.posted});
        totalBonds += bond;
        emit Challenged(accountId, msg.sender, roundId, deadline, bond);
        if (bond != 0) _pull(msg.sender, bond);
    }

    /// @notice Answers the account's pending challenge within its window with a margin proof (favourable valuation,
    ///         maintenance, buffer 0: the exact negation of "liquidatable") at the challenge round (even if stale by
    ///         now) or a later fresh round. The commitment must include every fill posted before the challenge;
    ///         fills the venue posted since do not block the answer (they make a new book, which a new challenge
    ///         can ask about). The bond is credited to the account's owner.
    /// @dev Margin([C, round, margin(sender, 0, maintenance, favourable)]). lastHealthyRound moves only when the
    ///      account is up to date (the proof is then about its whole book).
    function answer(uint256 accountId, uint64 roundId, uint256[8] calldata proof) external nonReentrant {
        Account storage account = _activeAccount(accountId);
        uint64 deadline = account.challengeDeadline;
        if (deadline == 0) revert ClearingVault__NoChallenge(accountId);
        Challenge storage pending = _challenges[accountId];
        uint64 challengeRound = pending.roundId;
        uint64 needed = pending.posted;
        if (block.timestamp > deadline) revert ClearingVault__WindowClosed(accountId, deadline);
        uint64 applied = account.applied;
        bool upToDate = applied == account.posted;
        if (applied < needed) revert ClearingVault__NotUpToDate(accountId, applied, needed);
        uint256 roundCommitment;
        if (roundId == challengeRound) {
            (roundCommitment,,) = registry.getRound(roundId);
        } else if (roundId > challengeRound) {
            roundCommitment = _freshRound(roundId);
        } else {
            revert ClearingVault__RoundTooOld(roundId, challengeRound);
        }
        verifier.verifyMargin(
            proof, [account.commitment, roundCommitment, ZkMarginStatements.margin(msg.sender, 0, false, true)]
        );
        if (upToDate && roundId > account.lastHealthyRound) account.lastHealthyRound = roundId;
        _answerChallenge(accountId, account, roundId);
    }

    /// @notice Takes the victim over into the sender's liquidator account at the latest fresh round, with a takeover
    ///         proof: the victim is below maintenance (unless defaulted), the liquidator absorbs its positions and
    ///         still meets initial. The victim's equity e = ownerPayout + penalty - badDebt (token units): the owner
    ///         is credited ownerPayout; the penalty goes insuranceBps to insurance, challengerBps to the challenger
    ///         whose challenge defaulted the victim, the rest to the sender; a pending challenge's bond goes back
    ///         to its challenger; the insurance fund pays badDebt.
    /// @dev Takeover([C_victim, C_liquidator, newC_liquidator, round, takeover(ownerPayout, penalty, badDebt,
    ///      penaltyBps, defaulted)]), defaulted = the victim's challenge expired unanswered.
    function takeover(
        uint256 victimId,
        uint256 liquidatorId,
        uint64 roundId,
        uint64 ownerPayout,
        uint64 penalty,
        uint64 badDebt,
        uint256 newLiquidatorCommitment,
        uint256[8] calldata proof
    ) external nonReentrant {
        (Account storage victim, Account storage liquidator, uint256 roundCommitment, bool defaulted) =
            _checkTakeover(victimId, liquidatorId, roundId);
        verifier.verifyTakeover(
            proof,
            [
                victim.commitment,
                liquidator.commitment,
                newLiquidatorCommitment,
                roundCommitment,
                ZkMarginStatements.takeover(ownerPayout, penalty, badDebt, penaltyBps, defaulted)
            ]
        );
        liquidator.commitment = newLiquidatorCommitment;
        // The takeover proved the liquidator's new state meets initial (conservative) at this round.
        liquidator.lastHealthyRound = roundId;
        victim.status = Status.Liquidated;
        emit TakenOver(victimId, liquidatorId, roundId, defaulted, ownerPayout, penalty, badDebt, newLiquidatorCommitment);
        // The victim's equity leaves the accounts; a negative one (bad debt) moves from the insurance fund to them.
        _debitAccounts(uint256(ownerPayout) + penalty, badDebt);
        insuranceFund -= int256(uint256(badDebt));
        _credit(victim.owner, ownerPayout);
        _splitPenalty(victimId, victim, penalty, defaulted);
    }

    /// @notice Pays the sender's credits.
    /// @return amount what was paid
    function claim() external nonReentrant returns (uint256 amount) {
        amount = claimable[msg.sender];
        if (amount == 0) revert ClearingVault__NothingToClaim();
        claimable[msg.sender] = 0;
        totalClaimable -= amount;
        emit Claimed(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice Adds `amount` tokens (from the sender) to the insurance fund.
    function fundInsurance(uint256 amount) external nonReentrant {
        if (amount == 0) revert ClearingVault__ZeroAmount();
        insuranceFund += int256(amount);
        emit InsuranceFunded(msg.sender, amount);
        _pull(msg.sender, amount);
    }

    // ================================================================== governance (bounded, delayed, two-step)
    //
    // Each setter below is a Timelock change: governance queues its exact call (queueChange), then calls it between
    // GOVERNANCE_DELAY and GOVERNANCE_DELAY + GOVERNANCE_GRACE later. The bounds are checked when queued and again
    // when executed.

    /// @notice Delayed: sets the challenge bond and the answer window within their bounds. Applies to challenges
    ///         made from now on (a pending challenge keeps its bond and deadline).
    function setChallengeParameters(uint96 bond, uint64 window) external onlyGovernance {
        _executeQueued();
        _setChallengeParameters(bond, window);
    }

    /// @notice Delayed: sets the penalty cap and its shares within their bounds. A takeover proof made for the old
    ///         penaltyBps no longer verifies.
    function setLiquidationParameters(uint16 penaltyBps_, uint16 insuranceBps_, uint16 challengerBps_)
        external
        onlyGovernance
    {
        _executeQueued();
        _setLiquidationParameters(penaltyBps_, insuranceBps_, challengerBps_);
    }

    /// @notice Delayed: withdraws up to the (positive) insurance fund to `to`.
    function withdrawInsurance(address to, uint256 amount) external onlyGovernance nonReentrant {
        _executeQueued();
        if (to == address(0)) revert ClearingVault__ZeroAddress();
        int256 available = insuranceFund;
        if (available < 0 || amount > uint256(available)) revert ClearingVault__InsufficientInsurance(amount, available);
        insuranceFund = available - int256(amount);
        emit InsuranceWithdrawn(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @notice Offers governance to `newGovernance`, who takes it with acceptGovernance (0: withdraws the offer).
    ///         Not delayed: the new governance can change nothing without the delay either.
    function transferGovernance(address newGovernance) external onlyGovernance {
        pendingGovernance = newGovernance;
        emit GovernanceTransferStarted(governance, newGovernance);
    }

    /// @notice The pending governance takes governance.
    function acceptGovernance() external {
        if (msg.sender != pendingGovernance) revert ClearingVault__NotPendingGovernance(msg.sender);
        emit GovernanceTransferred(governance, msg.sender);
        governance = msg.sender;
        pendingGovernance = address(0);
    }

    function _requireGovernance() internal view override {
        if (msg.sender != governance) revert ClearingVault__NotGovernance(msg.sender);
    }

    /// @dev The delayed setters and their static bounds (a change must be in bounds to be queued at all).
    function _checkChange(bytes4 selector, bytes calldata args) internal pure override {
        if (selector == ClearingVault.setChallengeParameters.selector) {
            _requireWords(selector, args, 2);
            _checkChallengeParameters(_word(args, 0), _word(args, 1));
        } else if (selector == ClearingVault.setLiquidationParameters.selector) {
            _requireWords(selector, args, 3);
            _checkLiquidationParameters(_word(args, 0), _word(args, 1), _word(args, 2));
        } else if (selector == ClearingVault.withdrawInsurance.selector) {
            _requireWords(selector, args, 2);
            uint256 to = _word(args, 0);
            if (to == 0 || to >> 160 != 0) revert ClearingVault__ZeroAddress();
            if (_word(args, 1) == 0) revert ClearingVault__ZeroAmount();
        } else {
            revert Timelock__UnknownChange(selector);
        }
    }

    function _checkChallengeParameters(uint256 bond, uint256 window) private pure {
        if (bond < MIN_CHALLENGE_BOND || bond > MAX_CHALLENGE_BOND) {
            revert ClearingVault__BondOutOfBounds(bond, MIN_CHALLENGE_BOND, MAX_CHALLENGE_BOND);
        }
        if (window < MIN_ANSWER_WINDOW || window > MAX_ANSWER_WINDOW) {
            revert ClearingVault__WindowOutOfBounds(window, MIN_ANSWER_WINDOW, MAX_ANSWER_WINDOW);
        }
    }

    function _checkLiquidationParameters(uint256 penaltyBps_, uint256 insuranceBps_, uint256 challengerBps_)
        private
        pure
    {
        if (penaltyBps_ > MAX_PENALTY_BPS) revert ClearingVault__PenaltyOutOfBounds(penaltyBps_, MAX_PENALTY_BPS);
        if (
            insuranceBps_ > MAX_INSURANCE_BPS || challengerBps_ > MAX_CHALLENGER_BPS
                || insuranceBps_ + challengerBps_ > BPS - MIN_LIQUIDATOR_BPS
        ) revert ClearingVault__SharesOutOfBounds(insuranceBps_, challengerBps_);
    }

    function _setChallengeParameters(uint96 bond, uint64 window) private {
        _checkChallengeParameters(bond, window);
        challengeBond = bond;
        answerWindow = window;
        emit ChallengeParametersChanged(bond, window);
    }

    function _setLiquidationParameters(uint16 penaltyBps_, uint16 insuranceBps_, uint16 challengerBps_) private {
        _checkLiquidationParameters(penaltyBps_, insuranceBps_, challengerBps_);
        penaltyBps = penaltyBps_;
        insuranceBps = insuranceBps_;
        challengerBps = challengerBps_;
        emit LiquidationParametersChanged(penaltyBps_, insuranceBps_, challengerBps_);
    }

    // ================================================================== views

    /// @notice The account's public record.
    function getAccount(uint256 accountId) external view returns (AccountView memory view_) {
        Account storage account = _accounts[accountId];
        view_ = AccountView({
            owner: account.owner,
            posted: account.posted,
            status: account.status,
            applied: account.applied,
            lastHealthyRound: account.lastHealthyRound,
            challengeRound: account.challengeDeadline == 0 ? 0 : _challenges[accountId].roundId,
            challengeDeadline: account.challengeDeadline,
            commitment: account.commitment
        });
    }

    /// @notice The pending challenge: challenger, bond and round (all zero: none; its deadline is in the account).
    function getChallenge(uint256 accountId) external view returns (Challenge memory) {
        return _challenges[accountId];
    }

    /// @notice The account's fill-chain head after `index` fills (0 for index 0 or beyond `posted`).
    function headAt(uint256 accountId, uint256 index) external view returns (uint256) {
        return _heads[accountId][index];
    }

    /// @notice Whether every fill posted to the account is applied.
    function isUpToDate(uint256 accountId) external view returns (bool) {
        Account storage account = _accounts[accountId];
        return account.applied == account.posted;
    }

    /// @notice Whether the account's challenge expired unanswered.
    function isDefaulted(uint256 accountId) external view returns (bool) {
        return _isDefaulted(_accounts[accountId]);
    }

    /// @notice accountsBalance + insuranceFund + totalBonds + totalClaimable: what the vault must hold.
    function accountedBalance() external view returns (int256) {
        return int256(accountsBalance + totalBonds + totalClaimable) + insuranceFund;
    }

    /// @notice For provers: the genesis commitment of account `accountId` owned by `owner`.
    function genesisCommitment(uint256 accountId, address owner) external view returns (uint256) {
        return ZkMarginHash.hash4(domain, accountId, uint256(uint160(owner)), EMPTY_BOOK);
    }

    /// @notice For provers: the apply-fills statement of `count` fills at the registry's listed market count.
    function applyFillsStatement(uint256 count) external view returns (uint256) {
        return ZkMarginStatements.applyFills(count, registry.listedMarkets());
    }

    /// @notice For provers: a margin statement (attest: conservative, maintenance; answer: favourable,
    ///         maintenance, buffer 0).
    function marginStatement(address binder, uint16 bufferBps, bool useInitial, bool favourable)
        external
        pure
        returns (uint256)
    {
        return ZkMarginStatements.margin(binder, bufferBps, useInitial, favourable);
    }

    /// @notice For provers: the takeover statement at the current penaltyBps.
    function takeoverStatement(uint64 ownerPayout, uint64 penalty, uint64 badDebt, bool defaulted)
        external
        view
        returns (uint256)
    {
        return ZkMarginStatements.takeover(ownerPayout, penalty, badDebt, penaltyBps, defaulted);
    }

    // ================================================================== internals

    function _requireContract(address account) private view {
        if (account.code.length == 0) revert ClearingVault__NotAContract(account);
    }

    /// @dev The token's decimals(), refusing a token without code, a reverting call or a value that is no uint8.
    function _tokenDecimals(address token_) private view returns (uint256 decimals) {
        _requireContract(token_);
        (bool ok, bytes memory ret) = token_.staticcall(abi.encodeCall(IERC20Minimal.decimals, ()));
        if (!ok || ret.length < 32) revert ClearingVault__NoTokenDecimals(token_);
        decimals = abi.decode(ret, (uint256));
        if (decimals > type(uint8).max) revert ClearingVault__BadTokenDecimals(decimals);
    }

    function _open(address owner) private returns (uint256 accountId) {
        accountId = nextAccountId++;
        Account storage account = _accounts[accountId];
        account.owner = owner;
        account.status = Status.Active;
        uint256 commitment = ZkMarginHash.hash4(domain, accountId, uint256(uint160(owner)), EMPTY_BOOK);
        account.commitment = commitment;
        emit AccountOpened(accountId, owner, commitment);
    }

    function _append(uint256 accountId, Account storage account, uint256 fill) private returns (uint64 index) {
        uint64 posted = account.posted;
        index = posted + 1;
        mapping(uint256 => uint256) storage heads = _heads[accountId];
        heads[index] = ZkMarginHash.hash2(heads[posted], fill);
        account.posted = index;
    }

    function _activeAccount(uint256 accountId) private view returns (Account storage account) {
        account = _accounts[accountId];
        Status status = account.status;
        if (status != Status.Active) {
            if (status == Status.None) revert ClearingVault__UnknownAccount(accountId);
            revert ClearingVault__AccountClosed(accountId);
        }
    }

    function _isDefaulted(Account storage account) private view returns (bool) {
        uint64 deadline = account.challengeDeadline;
        return deadline != 0 && block.timestamp > deadline;
    }

    function _requireUpToDate(uint256 accountId, Account storage account) private view {
        uint64 applied = account.applied;
        uint64 posted = account.posted;
        if (applied != posted) revert ClearingVault__NotUpToDate(accountId, applied, posted);
    }

    /// @dev The commitment of a known round that is fresh now.
    function _freshRound(uint64 roundId) private view returns (uint256 commitment) {
        uint64 timestamp;
        bool fresh;
        (commitment, timestamp, fresh) = registry.getRound(roundId);
        if (timestamp == 0) revert ClearingVault__UnknownRound(roundId);
        if (!fresh) revert ClearingVault__StaleRound(roundId);
    }

    /// @dev The commitment of the registry's latest round, which must be `roundId` and fresh.
    function _latestFreshRound(uint64 roundId) private view returns (uint256 commitment) {
        (uint64 latest,, uint256 latestCommitment, bool fresh) = registry.latestRound();
        if (roundId != latest) revert ClearingVault__NotLatestRound(roundId, latest);
        if (latest == 0) revert ClearingVault__UnknownRound(0);
        if (!fresh) revert ClearingVault__StaleRound(roundId);
        commitment = latestCommitment;
    }

    /// @dev Closes the pending challenge in the owner's favour: the bond is credited to the owner.
    function _answerChallenge(uint256 accountId, Account storage account, uint64 roundId) private {
        address owner = account.owner;
        uint96 bond = _challenges[accountId].bond;
        delete _challenges[accountId];
        account.challengeDeadline = 0;
        totalBonds -= bond;
        emit ChallengeAnswered(accountId, roundId, msg.sender, owner, bond);
        _credit(owner, bond);
    }

    /// @dev The checks of takeover, in the order of contracts/README.md.
    function _checkTakeover(uint256 victimId, uint256 liquidatorId, uint64 roundId)
        private
        view
        returns (Account storage victim, Account storage liquidator, uint256 roundCommitment, bool defaulted)
    {
        if (victimId == liquidatorId) revert ClearingVault__SameAccount(victimId);
        if (victimId == FEE_ACCOUNT_ID || liquidatorId == FEE_ACCOUNT_ID) revert ClearingVault__FeeAccount();
        victim = _activeAccount(victimId);
        _requireUpToDate(victimId, victim);
        liquidator = _activeAccount(liquidatorId);
        if (msg.sender != liquidator.owner) revert ClearingVault__NotOwner(liquidatorId, msg.sender);
        if (_isDefaulted(liquidator)) revert ClearingVault__Defaulted(liquidatorId);
        roundCommitment = _latestFreshRound(roundId);
        defaulted = _isDefaulted(victim);
    }

    /// @dev Shares a takeover penalty: insuranceBps to the fund, challengerBps to the challenger if its challenge
    ///      defaulted the victim, the rest to the liquidator (the sender). A pending challenge's bond goes back to its
    ///      challenger either way (it was right), but a challenge sent in front of a takeover by proof earns no share.
    function _splitPenalty(uint256 victimId, Account storage victim, uint64 penalty, bool defaulted) private {
        uint256 insuranceShare = (uint256(penalty) * insuranceBps) / BPS;
        insuranceFund += int256(insuranceShare);
        uint256 challengerShare;
        address challenger;
        if (victim.challengeDeadline != 0) {
            Challenge memory c = _challenges[victimId];
            challenger = c.challenger;
            if (defaulted) challengerShare = (uint256(penalty) * challengerBps) / BPS;
            delete _challenges[victimId];
            victim.challengeDeadline = 0;
            totalBonds -= c.bond;
            _credit(challenger, challengerShare + c.bond);
        }
        uint256 liquidatorShare = uint256(penalty) - insuranceShare - challengerShare;
        _credit(msg.sender, liquidatorShare);
        emit PenaltySplit(victimId, msg.sender, challenger, insuranceShare, challengerShare, liquidatorShare);
    }

    function _credit(address who, uint256 amount) private {
        if (amount == 0) return;
        claimable[who] += amount;
        totalClaimable += amount;
        emit Credited(who, amount);
    }

    function _debitAccounts(uint256 amount) private {
        _debitAccounts(amount, 0);
    }

    /// @dev accountsBalance += credit - debit, refusing to go below zero.
    function _debitAccounts(uint256 debit, uint256 credit) private {
        uint256 available = accountsBalance + credit;
        if (debit > available) revert ClearingVault__InsufficientAccountsBalance(debit, available);
        accountsBalance = available - debit;
    }

    /// @dev Pulls `amount` from `from` and checks that the vault's balance grew by exactly that.
    function _pull(address from, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert ClearingVault__TransferMismatch(amount, received);
    }
}

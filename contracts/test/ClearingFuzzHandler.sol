// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ClearingVault} from "../ClearingVault.sol";
import {OracleRegistry} from "../OracleRegistry.sol";
import {Timelock} from "../lib/Timelock.sol";
import {HostileERC20} from "./HostileERC20.sol";

/// @title FuzzActor
/// @notice A trader, challenger or liquidator of the invariant fuzz: forwards the handler's calls, so each actor is
///         its own msg.sender. Test use only.
contract FuzzActor {
    address private immutable _handler;

    error FuzzActor__NotHandler();

    constructor() {
        _handler = msg.sender;
    }

    /// @notice Calls `target` with `data` and returns the outcome (never reverts on the target's revert).
    function exec(address target, bytes calldata data) external returns (bool ok, bytes memory ret) {
        if (msg.sender != _handler) revert FuzzActor__NotHandler();
        (ok, ret) = target.call(data);
    }
}

/// @title ClearingFuzzHandler
/// @notice The invariant fuzz of test/contracts/governance-fuzz.test.ts. Each `run` makes random calls (seeded) to the
///         vault, the registry and the token until its gas runs low, all at one block time (the test moves the clock
///         between runs): accounts, fills, deposits, withdrawals, attests, challenges, answers, takeovers, claims,
///         insurance, rounds (and none while the oracle is paused), hostile token modes, and governance queueing,
///         executing and cancelling changes inside and outside their bounds. It is the venue, the poster and both
///         contracts' governance; eight FuzzActors are the traders (0-3 diligent, 4-7 careless).
///
///         Health comes from ModelGroth16Verifier's model (a commitment's class against the round). A diligent
///         owner always commits robust states, and before the clock moves past a pending challenge's deadline it
///         defends: applies the fills posted before the challenge, cures a state that is not healthy at the
///         challenge round with a deposit, and answers at the challenge round (while the venue may post a fill to
///         the account in between).
///
///         After every call it checks, reverting ClearingFuzzHandler__Violation(code, accountId, detail):
///           1 a revert without a 4-byte error, 2 a Panic, 3 an Error(string) (only named custom errors);
///           10 token.balanceOf(vault) != accountedBalance(), 11 accountsBalance or 12 insuranceFund differ from
///           this contract's model of them; 13 totalBonds != the sum of the pending challenges' bonds;
///           20 an account healthy at the takeover round taken over without a default; 21 a diligent owner's
///           account taken over as defaulted, 22 defaulted at the start of a run, without a failed cure to excuse
///           it; 23 a diligent owner's fill application or 24 answer refused within the window;
///           30 attest, withdraw or answer accepted from a defaulted account (or an answer with no challenge);
///           40 a governance change executed before its delay or after its grace period, 41 a parameter out of its
///           bounds after one; 50 a round id step above MAX_ROUND_STEP.
///         Test use only.
contract ClearingFuzzHandler {
    uint256 private constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 private constant ACTORS = 8;
    uint256 private constant DILIGENT = 4;
    /// @dev "who" of a call the handler makes itself (venue, poster, governance; owner of the fee account).
    uint256 private constant HANDLER = type(uint256).max;
    /// @dev At most this many accounts exist, and a new one opens only while fewer than MAX_ACTIVE are active.
    uint256 private constant MAX_ACCOUNTS = 48;
    uint256 private constant MAX_ACTIVE = 14;
    uint256 private constant STEP_RESERVE = 6_000_000;
    uint256 private constant ACTIONS = 16;
    bytes4 private constant PANIC = 0x4e487b71;
    bytes4 private constant ERROR_STRING = 0x08c379a0;
    uint256 private constant BPS = 10_000;

    enum Action {
        Open,
        Deposit,
        PostFill,
        ApplyFills,
        Withdraw,
        Attest,
        Challenge,
        Answer,
        Takeover,
        Claim,
        FundInsurance,
        PostRound,
        TokenMode,
        Queue,
        Execute,
        Cancel
    }

    struct Queued {
        address target;
        uint64 queuedAt;
        bytes32 id;
        bytes data;
    }

    FuzzActor[ACTORS] public actors;
    ClearingVault public vault;
    OracleRegistry public registry;
    HostileERC20 public token;

    /// @notice Accounts 1 .. accounts exist (1: the fee account, the handler's).
    uint256 public accounts;
    /// @notice Accounts not liquidated.
    uint256 public active;
    /// @notice The actor owning an account (HANDLER for the fee account).
    mapping(uint256 accountId => uint256) public ownerOf;
    /// @notice A diligent owner's challenge deadline whose default is excused (its cure failed: hostile token).
    mapping(uint256 accountId => uint64) public excusedDeadline;
    int256 public modelAccounts;
    int256 public modelInsurance;

    /// @notice Calls made to the vault and the registry, and how many succeeded.
    uint256 public systemCalls;
    uint256 public systemOk;
    /// @notice Calls made to the token (mode switches).
    uint256 public tokenCalls;
    uint256[ACTIONS] public actionCalls;
    uint256[ACTIONS] public actionOk;
    /// @notice Answers the diligent owners gave, defaults excused, takeovers (of which of defaulted accounts),
    ///         governance changes executed.
    uint256 public defences;
    uint256 public excusedDefaults;
    uint256 public takeovers;
    uint256 public defaultedTakeovers;
    uint256 public changesExecuted;
    /// @notice Every distinct revert selector seen, and how often.
    bytes4[] public revertSelectors;
    mapping(bytes4 selector => uint256) public revertCount;

    uint256 private _rng;
    bool private _paused;
    Queued[] private _queue;

    error ClearingFuzzHandler__Violation(uint256 code, uint256 accountId, bytes detail);
    error ClearingFuzzHandler__AlreadyInitialised();

    constructor() {
        for (uint256 i = 0; i < ACTORS; ++i) {
            actors[i] = new FuzzActor();
        }
    }

    /// @notice Wires the contracts and funds the actors (each approves the vault).
    function init(ClearingVault vault_, OracleRegistry registry_, HostileERC20 token_) external {
        if (address(vault) != address(0)) revert ClearingFuzzHandler__AlreadyInitialised();
        vault = vault_;
        registry = registry_;
        token = token_;
        accounts = 1;
        active = 1;
        ownerOf[1] = HANDLER;
        for (uint256 i = 0; i < ACTORS; ++i) {
            token_.mint(address(actors[i]), 1e15);
            actors[i].exec(address(token_), abi.encodeCall(HostileERC20.approve, (address(vault_), type(uint256).max)));
        }
        token_.mint(address(this), 1e15);
        token_.approve(address(vault_), type(uint256).max);
    }

    /// @notice One run: random calls until gas runs low, then the diligent owners defend every challenge whose
    ///         deadline falls before now + horizon (the clock's next move).
    /// @return made calls made to the vault and registry in this run
    function run(uint256 seed, uint64 horizon, bool paused) external returns (uint256 made) {
        uint256 before = systemCalls;
        _rng = uint256(keccak256(abi.encode(seed, block.timestamp, before)));
        _paused = paused;
        _checkDefaults();
        while (gasleft() > STEP_RESERVE) {
            _step();
        }
        _diligence(horizon);
        _checkBonds();
        made = systemCalls - before;
    }

    /// @notice The distinct revert selectors seen.
    function selectors() external view returns (bytes4[] memory) {
        return revertSelectors;
    }

    /// @notice Calls and successes per action.
    function actionStats() external view returns (uint256[ACTIONS] memory calls, uint256[ACTIONS] memory ok) {
        return (actionCalls, actionOk);
    }

    // ================================================================== one random step

    function _step() private {
        uint256 r = _rand(100);
        if (r < 4) _open();
        else if (r < 16) _deposit();
        else if (r < 25) _postFill();
        else if (r < 37) _applyFills();
        else if (r < 45) _withdraw();
        else if (r < 52) _attest();
        else if (r < 61) _challenge();
        else if (r < 67) _answer();
        else if (r < 76) _takeover();
        else if (r < 80) _claim();
        else if (r < 83) _fundInsurance();
        else if (r < 88) _postRound();
        else if (r < 91) _tokenMode();
        else if (r < 95) _queueChange();
        else if (r < 99) _executeChange();
        else _cancelChange();
        _checkMoney();
    }

    function _open() private {
        if (accounts >= MAX_ACCOUNTS || active >= MAX_ACTIVE) {
            _deposit();
            return;
        }
        uint256 who = _rand(ACTORS);
        (bool ok, bytes memory ret) = _call(Action.Open, who, address(vault), abi.encodeCall(ClearingVault.open, ()));
        if (ok) {
            uint256 id = abi.decode(ret, (uint256));
            accounts = id;
            active++;
            ownerOf[id] = who;
        }
    }

    function _deposit() private {
        uint256 id = _account();
        uint256 who = _rand(5) == 0 ? _rand(ACTORS) : _ownerOr(id);
        uint64 amount = _rand(20) == 0 ? 0 : uint64(1 + _rand(5e6));
        (bool ok,) = _call(
            Action.Deposit, who, address(vault), abi.encodeCall(ClearingVault.deposit, (id, amount, _newCommitment(id), _proof()))
        );
        if (ok) modelAccounts += int256(uint256(amount));
    }

    function _postFill() private {
        uint256 who = _rand(20) == 0 ? _rand(ACTORS) : HANDLER;
        uint256 fill = _rand(50) == 0 ? FIELD : _rand(FIELD);
        _call(Action.PostFill, who, address(vault), abi.encodeCall(ClearingVault.postFill, (_account(), _account(), fill)));
    }

    function _applyFills() private {
        uint256 id = _account();
        ClearingVault.AccountView memory a = vault.getAccount(id);
        uint256 pending = a.posted - a.applied;
        uint256 k = _rand(5) == 0 || pending == 0 ? _rand(10) : pending < 8 ? pending : 8;
        _call(
            Action.ApplyFills,
            _rand(ACTORS),
            address(vault),
            abi.encodeCall(ClearingVault.applyFills, (id, k, _newCommitment(id), _proof()))
        );
    }

    function _withdraw() private {
        uint256 id = _account();
        bool defaulted = vault.isDefaulted(id);
        uint64 amount = _rand(20) == 0 ? 0 : uint64(1 + _rand(3e6));
        (bool ok,) = _call(
            Action.Withdraw,
            _rand(10) == 0 ? _rand(ACTORS) : _ownerOr(id),
            address(vault),
            abi.encodeCall(ClearingVault.withdraw, (id, amount, _someRound(), _newCommitment(id), _proof()))
        );
        if (ok) {
            if (defaulted) revert ClearingFuzzHandler__Violation(30, id, "withdraw");
            modelAccounts -= int256(uint256(amount));
        }
    }

    function _attest() private {
        uint256 id = _account();
        bool defaulted = vault.isDefaulted(id);
        (bool ok,) = _call(
            Action.Attest,
            _rand(ACTORS),
            address(vault),
            abi.encodeCall(ClearingVault.attest, (id, _someRound(), uint16(_rand(2_000)), _proof()))
        );
        if (ok && defaulted) revert ClearingFuzzHandler__Violation(30, id, "attest");
    }

    function _challenge() private {
        _call(Action.Challenge, _rand(ACTORS), address(vault), abi.encodeCall(ClearingVault.challenge, (_account())));
    }

    function _answer() private {
        uint256 id = _account();
        bool defaulted = vault.isDefaulted(id);
        uint64 deadline = vault.getAccount(id).challengeDeadline;
        uint64 round = _rand(10) < 7 ? vault.getChallenge(id).roundId : _someRound();
        (bool ok,) =
            _call(Action.Answer, _rand(ACTORS), address(vault), abi.encodeCall(ClearingVault.answer, (id, round, _proof())));
        if (ok && (defaulted || deadline == 0)) revert ClearingFuzzHandler__Violation(30, id, "answer");
    }

    struct TakeoverCase {
        uint256 victim;
        uint256 liquidator;
        uint256 victimCommitment;
        bool defaulted;
        uint64 deadline;
        uint64 round;
        uint256 roundCommitment;
        uint256 insuranceBps;
        uint64 payout;
        uint64 penalty;
        uint64 badDebt;
        uint256 newLiquidatorCommitment;
    }

    function _takeover() private {
        TakeoverCase memory t = _takeoverCase();
        (bool ok,) = _call(
            Action.Takeover,
            _rand(10) == 0 ? _rand(ACTORS) : _ownerOr(t.liquidator),
            address(vault),
            abi.encodeCall(
                ClearingVault.takeover,
                (t.victim, t.liquidator, t.round, t.payout, t.penalty, t.badDebt, t.newLiquidatorCommitment, _proof())
            )
        );
        if (!ok) return;
        takeovers++;
        active--;
        if (!t.defaulted) {
            if (_healthy(t.victimCommitment, t.roundCommitment)) revert ClearingFuzzHandler__Violation(20, t.victim, "");
        } else {
            defaultedTakeovers++;
            if (_diligent(t.victim) && excusedDeadline[t.victim] != t.deadline) {
                revert ClearingFuzzHandler__Violation(21, t.victim, "");
            }
        }
        modelAccounts += int256(uint256(t.badDebt)) - int256(uint256(t.payout)) - int256(uint256(t.penalty));
        modelInsurance += int256((uint256(t.penalty) * t.insuranceBps) / BPS) - int256(uint256(t.badDebt));
    }

    /// @dev A random takeover, with what the vault shows before it.
    function _takeoverCase() private returns (TakeoverCase memory t) {
        t.victim = _account();
        t.liquidator = _account();
        ClearingVault.AccountView memory v = vault.getAccount(t.victim);
        t.victimCommitment = v.commitment;
        t.deadline = v.challengeDeadline;
        t.defaulted = vault.isDefaulted(t.victim);
        (t.round,, t.roundCommitment,) = registry.latestRound();
        if (_rand(10) == 0) t.round = _someRound();
        t.insuranceBps = vault.insuranceBps();
        if (_rand(4) == 0) {
            t.badDebt = uint64(1 + _rand(2e6));
        } else {
            t.payout = uint64(_rand(3e6));
            t.penalty = uint64(_rand(1e6));
        }
        t.newLiquidatorCommitment = _newCommitment(t.liquidator);
    }

    function _claim() private {
        _call(Action.Claim, _rand(9) == 8 ? HANDLER : _rand(ACTORS), address(vault), abi.encodeCall(ClearingVault.claim, ()));
    }

    function _fundInsurance() private {
        uint256 amount = _rand(20) == 0 ? 0 : 1 + _rand(1e6);
        (bool ok,) =
            _call(Action.FundInsurance, _rand(ACTORS), address(vault), abi.encodeCall(ClearingVault.fundInsurance, (amount)));
        if (ok) modelInsurance += int256(amount);
    }

    function _postRound() private {
        if (_paused) {
            _deposit();
            return;
        }
        uint64 latest = registry.latestRoundId();
        uint256 r = _rand(20);
        uint64 id;
        if (r < 16) id = latest + 1;
        else if (r == 16) id = latest + 1 + uint64(_rand(1 << 16)); // within MAX_ROUND_STEP
        else if (r == 17) id = latest + (1 << 16) + 1 + uint64(_rand(1000)); // beyond it
        else if (r == 18) id = type(uint64).max;
        else id = latest;
        uint64 timestamp = uint64(block.timestamp);
        r = _rand(20);
        if (r == 0) timestamp += 1; // future
        else if (r == 1 && registry.latestTimestamp() > 0) timestamp = registry.latestTimestamp() - 1; // decreasing
        uint256 listed = registry.listedMarkets();
        uint64[] memory prices = new uint64[](listed);
        uint64[] memory confidences = new uint64[](listed);
        int64[] memory funding = new int64[](listed);
        for (uint256 j = 0; j < listed; ++j) {
            prices[j] = _rand(100) == 0 ? 0 : uint64(1 + _rand((1 << 56) - 1));
            confidences[j] = uint64(_rand(1 << 48));
            funding[j] = int64(int256(_rand(1 << 40)) - int256(1 << 39));
        }
        (bool ok,) = _call(
            Action.PostRound,
            _rand(20) == 0 ? _rand(ACTORS) : HANDLER,
            address(registry),
            abi.encodeCall(OracleRegistry.post, (id, timestamp, prices, confidences, funding))
        );
        if (ok && registry.latestRoundId() - latest > registry.MAX_ROUND_STEP()) {
            revert ClearingFuzzHandler__Violation(50, 0, abi.encode(latest, registry.latestRoundId()));
        }
    }

    function _tokenMode() private {
        uint256 r = _rand(12);
        HostileERC20.Mode mode = r < 6 ? HostileERC20.Mode.Normal : HostileERC20.Mode(r - 5);
        if (mode == HostileERC20.Mode.Reenter) {
            bytes memory data;
            uint256 which = _rand(4);
            if (which == 0) data = abi.encodeCall(ClearingVault.claim, ());
            else if (which == 1) data = abi.encodeCall(ClearingVault.open, ());
            else if (which == 2) data = abi.encodeCall(ClearingVault.fundInsurance, (1));
            else data = abi.encodeCall(ClearingVault.challenge, (_account()));
            _call(Action.TokenMode, HANDLER, address(token), abi.encodeCall(HostileERC20.setReentry, (address(vault), data)));
        }
        _call(Action.TokenMode, HANDLER, address(token), abi.encodeCall(HostileERC20.setMode, (mode)));
    }

    // ================================================================== governance

    function _queueChange() private {
        (address target, bytes memory data) = _randomChange();
        uint256 who = _rand(20) == 0 ? _rand(ACTORS) : HANDLER;
        (bool ok,) = _call(Action.Queue, who, target, abi.encodeWithSignature("queueChange(bytes)", data));
        if (!ok) return;
        bytes32 id = keccak256(data);
        for (uint256 i = 0; i < _queue.length; ++i) {
            // queued again after it expired: the new queueing time counts
            if (_queue[i].id == id && _queue[i].target == target) {
                _queue[i].queuedAt = uint64(block.timestamp);
                return;
            }
        }
        _queue.push(Queued({target: target, queuedAt: uint64(block.timestamp), id: id, data: data}));
    }

    function _executeChange() private {
        if (_queue.length == 0 || _rand(10) == 0) {
            // a change nobody queued
            (address target, bytes memory data) = _randomChange();
            if (Timelock(target).changeEta(keccak256(data)) == 0) _call(Action.Execute, HANDLER, target, data);
            return;
        }
        uint256 i = _rand(_queue.length);
        Queued memory q = _queue[i];
        (bool ok, bytes memory ret) = _call(Action.Execute, HANDLER, q.target, q.data);
        if (ok) {
            changesExecuted++;
            if (block.timestamp < uint256(q.queuedAt) + vault.GOVERNANCE_DELAY()) {
                revert ClearingFuzzHandler__Violation(40, 0, q.data);
            }
            if (block.timestamp > uint256(q.queuedAt) + vault.GOVERNANCE_DELAY() + vault.GOVERNANCE_GRACE()) {
                revert ClearingFuzzHandler__Violation(40, 1, q.data);
            }
            if (bytes4(q.data) == ClearingVault.withdrawInsurance.selector) {
                (, uint256 amount) = abi.decode(_args(q.data), (address, uint256));
                modelInsurance -= int256(amount);
            }
            _checkBounds(q.data);
            _drop(i);
        } else if (bytes4(ret) != bytes4(keccak256("Timelock__TooEarly(bytes32,uint64)")) && _rand(2) == 0) {
            _drop(i); // expired, or failing at execution: forget it (it stays queued on-chain until it expires)
        }
    }

    function _cancelChange() private {
        if (_queue.length == 0) return;
        uint256 i = _rand(_queue.length);
        Queued memory q = _queue[i];
        (bool ok,) =
            _call(Action.Cancel, HANDLER, q.target, abi.encodeWithSignature("cancelChange(bytes32)", keccak256(q.data)));
        if (ok) _drop(i);
    }

    /// @dev A random change of the vault or the registry, inside its bounds about three times in four.
    function _randomChange() private returns (address target, bytes memory data) {
        uint256 kind = _rand(8);
        bool out = _rand(4) == 0;
        if (kind == 0) {
            uint96 bond = out ? uint96(_pick(0, 999_999, 10_000e6 + 1)) : uint96(1e6 + _rand(10_000e6 - 1e6 + 1));
            uint64 window = out ? uint64(_pick(0, 3_599, type(uint64).max)) : uint64(1 hours + _rand(7 days - 1 hours + 1));
            return (address(vault), abi.encodeCall(ClearingVault.setChallengeParameters, (bond, window)));
        }
        if (kind == 1) {
            uint16 penalty = uint16(_rand(out ? 10_001 : 1_001));
            uint16 insurance = uint16(_rand(out ? 10_001 : 5_001));
            uint16 challenger = uint16(_rand(out ? 10_001 : 3_001));
            return (address(vault), abi.encodeCall(ClearingVault.setLiquidationParameters, (penalty, insurance, challenger)));
        }
        if (kind == 2) {
            address to = _rand(10) == 0 ? address(0) : address(actors[_rand(ACTORS)]);
            return (address(vault), abi.encodeCall(ClearingVault.withdrawInsurance, (to, _rand(3e6))));
        }
        if (kind == 3) {
            uint64 age = out ? uint64(_pick(0, 299, 86_401)) : uint64(300 + _rand(86_400 - 300 + 1));
            return (address(registry), abi.encodeCall(OracleRegistry.setMaxAge, (age)));
        }
        if (kind == 4) {
            return (address(registry), abi.encodeCall(OracleRegistry.setRiskTable, (uint16(_rand(1100)), _riskTable(registry.listedMarkets(), out))));
        }
        if (kind == 5 || kind == 6) {
            address poster = _rand(2) == 0 ? address(this) : address(actors[_rand(ACTORS)]);
            return (
                address(registry),
                kind == 5 ? abi.encodeCall(OracleRegistry.addPoster, (poster)) : abi.encodeCall(OracleRegistry.removePoster, (poster))
            );
        }
        uint8 count = uint8(registry.listedMarkets() + (out ? 0 : 1));
        return (address(registry), abi.encodeCall(OracleRegistry.raiseListedMarkets, (count, uint16(_rand(1000)), _riskTable(count, _rand(8) == 0))));
    }

    /// @dev A cross risk table of `listed` rows (broken when `broken`: a rate above 100 % or initial below maintenance).
    function _riskTable(uint256 listed, bool broken) private returns (OracleRegistry.Tier[] memory tiers) {
        tiers = new OracleRegistry.Tier[](listed);
        for (uint256 j = 0; j < listed; ++j) {
            uint32 maintenance = uint32(_rand(1e6 + 1));
            tiers[j] = OracleRegistry.Tier({floor: 0, first: maintenance, second: maintenance + uint32(_rand(1e6 - maintenance + 1))});
        }
        if (broken) {
            uint256 j = _rand(listed);
            if (_rand(2) == 0) tiers[j].second = 1e6 + 1;
            else tiers[j] = OracleRegistry.Tier({floor: 0, first: 2, second: 1});
        }
    }

    /// @dev After a change executed: every parameter within its bounds.
    function _checkBounds(bytes memory data) private view {
        ClearingVault v = vault;
        bool ok = v.challengeBond() >= v.MIN_CHALLENGE_BOND() && v.challengeBond() <= v.MAX_CHALLENGE_BOND()
            && v.answerWindow() >= v.MIN_ANSWER_WINDOW() && v.answerWindow() <= v.MAX_ANSWER_WINDOW()
            && v.penaltyBps() <= v.MAX_PENALTY_BPS() && v.insuranceBps() <= v.MAX_INSURANCE_BPS()
            && v.challengerBps() <= v.MAX_CHALLENGER_BPS()
            && uint256(v.insuranceBps()) + v.challengerBps() <= BPS - v.MIN_LIQUIDATOR_BPS()
            && registry.maxAge() >= registry.MIN_MAX_AGE() && registry.maxAge() <= registry.MAX_MAX_AGE();
        if (!ok) revert ClearingFuzzHandler__Violation(41, 0, data);
    }

    function _drop(uint256 i) private {
        _queue[i] = _queue[_queue.length - 1];
        _queue.pop();
    }

    // ================================================================== the diligent owners

    /// @dev Every diligent owner's account with a challenge whose deadline falls before now + horizon (+ 60 s)
    ///      defends it now.
    function _diligence(uint64 horizon) private {
        for (uint256 id = 2; id <= accounts; ++id) {
            if (!_diligent(id)) continue;
            ClearingVault.AccountView memory a = vault.getAccount(id);
            if (a.status != ClearingVault.Status.Active || a.challengeDeadline == 0) continue;
            if (a.challengeDeadline > block.timestamp + horizon + 60) continue;
            _defend(id, a.challengeDeadline);
        }
    }

    function _defend(uint256 id, uint64 deadline) private {
        uint256 owner = ownerOf[id];
        ClearingVault.Challenge memory c = vault.getChallenge(id);
        for (;;) {
            ClearingVault.AccountView memory a = vault.getAccount(id);
            if (a.applied >= c.posted) break;
            uint256 k = a.posted - a.applied < 8 ? a.posted - a.applied : 8;
            (bool applied, bytes memory why) = _call(
                Action.ApplyFills, owner, address(vault), abi.encodeCall(ClearingVault.applyFills, (id, k, _commitment(0), _proof()))
            );
            if (!applied) revert ClearingFuzzHandler__Violation(23, id, why);
        }
        // the venue may post a fill to the account between the owner's last fill application and its answer
        if (_rand(2) == 0) {
            _call(Action.PostFill, HANDLER, address(vault), abi.encodeCall(ClearingVault.postFill, (id, _account(), _rand(FIELD))));
        }
        (uint256 roundCommitment,,) = registry.getRound(c.roundId);
        if (!_healthy(vault.getAccount(id).commitment, roundCommitment)) {
            (bool cured,) = _call(
                Action.Deposit, owner, address(vault), abi.encodeCall(ClearingVault.deposit, (id, 1e6, _commitment(0), _proof()))
            );
            if (!cured) {
                excusedDeadline[id] = deadline;
                excusedDefaults++;
                return;
            }
            modelAccounts += 1e6;
        }
        (bool ok, bytes memory ret) =
            _call(Action.Answer, owner, address(vault), abi.encodeCall(ClearingVault.answer, (id, c.roundId, _proof())));
        if (!ok) revert ClearingFuzzHandler__Violation(24, id, ret);
        defences++;
        _checkMoney();
    }

    /// @dev At the start of a run (the clock moved): no diligent owner's account is defaulted unless excused.
    function _checkDefaults() private view {
        for (uint256 id = 2; id <= accounts; ++id) {
            if (!_diligent(id)) continue;
            ClearingVault.AccountView memory a = vault.getAccount(id);
            if (a.status != ClearingVault.Status.Active) continue;
            if (vault.isDefaulted(id) && excusedDeadline[id] != a.challengeDeadline) {
                revert ClearingFuzzHandler__Violation(22, id, "");
            }
        }
    }

    // ================================================================== checks and helpers

    function _checkMoney() private view {
        uint256 balance = token.balanceOf(address(vault));
        int256 accounted = vault.accountedBalance();
        if (int256(balance) != accounted) revert ClearingFuzzHandler__Violation(10, 0, abi.encode(balance, accounted));
        if (int256(vault.accountsBalance()) != modelAccounts) {
            revert ClearingFuzzHandler__Violation(11, 0, abi.encode(vault.accountsBalance(), modelAccounts));
        }
        if (vault.insuranceFund() != modelInsurance) {
            revert ClearingFuzzHandler__Violation(12, 0, abi.encode(vault.insuranceFund(), modelInsurance));
        }
    }

    function _checkBonds() private view {
        uint256 sum;
        for (uint256 id = 1; id <= accounts; ++id) {
            sum += vault.getChallenge(id).bond;
        }
        if (sum != vault.totalBonds()) revert ClearingFuzzHandler__Violation(13, 0, abi.encode(sum, vault.totalBonds()));
    }

    /// @dev Makes a call as `who`, counts it and records its revert, refusing panics and unnamed reverts.
    function _call(Action action, uint256 who, address target, bytes memory data) private returns (bool ok, bytes memory ret) {
        if (who == HANDLER) (ok, ret) = target.call(data);
        else (ok, ret) = actors[who].exec(target, data);
        if (target == address(token)) tokenCalls++;
        else systemCalls++;
        actionCalls[uint256(action)]++;
        if (ok) {
            actionOk[uint256(action)]++;
            if (target != address(token)) systemOk++;
            return (ok, ret);
        }
        if (ret.length < 4) revert ClearingFuzzHandler__Violation(1, uint256(action), data);
        bytes4 selector = bytes4(ret);
        if (selector == PANIC) revert ClearingFuzzHandler__Violation(2, uint256(action), ret);
        if (selector == ERROR_STRING) revert ClearingFuzzHandler__Violation(3, uint256(action), ret);
        if (revertCount[selector]++ == 0) revertSelectors.push(selector);
    }

    function _healthy(uint256 commitment, uint256 roundCommitment) private pure returns (bool) {
        uint256 class = commitment & 3;
        return class < 2 || (class == 2 && roundCommitment & 1 == 0);
    }

    function _diligent(uint256 id) private view returns (bool) {
        return ownerOf[id] < DILIGENT;
    }

    /// @dev A commitment of `class` (0/1 robust, 2 fragile, 3 broke), below r.
    function _commitment(uint256 class) private returns (uint256) {
        return ((_rand(FIELD >> 2)) << 2) | class;
    }

    /// @dev The state an account's owner commits: robust for a diligent owner, any class otherwise (and once in
    ///      fifty a value >= r, which the verifier adapter refuses).
    function _newCommitment(uint256 id) private returns (uint256) {
        if (ownerOf[id] != HANDLER && !_diligent(id) && _rand(50) == 0) return FIELD + _rand(4);
        if (_diligent(id) || ownerOf[id] == HANDLER) return _commitment(_rand(2));
        uint256 r = _rand(10);
        return _commitment(r < 5 ? 0 : r < 8 ? 2 : 3);
    }

    /// @dev An existing account, mostly an active one; sometimes one that does not exist.
    function _account() private returns (uint256 id) {
        if (_rand(30) == 0) return accounts + 1;
        for (uint256 tries = 0; tries < 4; ++tries) {
            id = 1 + _rand(accounts);
            if (vault.getAccount(id).status == ClearingVault.Status.Active) return id;
        }
    }

    /// @dev The owner of `id` (an actor, or the handler for the fee account); a random actor for an unknown id.
    function _ownerOr(uint256 id) private returns (uint256) {
        if (id > accounts) return _rand(ACTORS);
        return ownerOf[id];
    }

    /// @dev The latest round mostly; sometimes the one before, the one after, or 0.
    function _someRound() private returns (uint64) {
        uint64 latest = registry.latestRoundId();
        uint256 r = _rand(10);
        if (r < 7) return latest;
        if (r == 7) return latest == 0 ? 0 : latest - 1;
        if (r == 8) return latest + 1;
        return 0;
    }

    function _pick(uint256 a, uint256 b, uint256 c) private returns (uint256) {
        uint256 r = _rand(3);
        return r == 0 ? a : r == 1 ? b : c;
    }

    function _args(bytes memory data) private pure returns (bytes memory args) {
        args = new bytes(data.length - 4);
        for (uint256 i = 0; i < args.length; ++i) {
            args[i] = data[i + 4];
        }
    }

    function _proof() private pure returns (uint256[8] memory proof) {}

    function _rand(uint256 n) private returns (uint256) {
        _rng = uint256(keccak256(abi.encode(_rng)));
        return _rng % n;
    }
}

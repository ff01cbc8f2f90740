// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Hardhat 3 Solidity tests (run: npx hardhat test solidity). No forge-std: the few cheatcodes used are declared
// below and served by Hardhat's EDR at the standard cheatcode address.

import {PoseidonT3} from "../../contracts/lib/PoseidonT3.sol";
import {ZkMarginStatements} from "../../contracts/lib/ZkMarginStatements.sol";
import {OracleRegistry} from "../../contracts/OracleRegistry.sol";
import {PrivateMarginVault} from "../../contracts/PrivateMarginVault.sol";
import {ZkMarginVerifier} from "../../contracts/ZkMarginVerifier.sol";
import {IERC20Minimal} from "../../contracts/interfaces/IERC20Minimal.sol";
import {IZkMarginVerifier} from "../../contracts/interfaces/IZkMarginVerifier.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {MockGroth16Verifier} from "../../contracts/test/MockGroth16Verifier.sol";

interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function expectRevert(bytes calldata revertData) external;
    function assume(bool condition) external;
}

contract ZkMarginStatementsTest {
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    function testFuzz_MarginStatementUnpacks(address binder, uint16 bufferBps, bool useInitial, uint64 collateral)
        public
        pure
    {
        uint256 s = ZkMarginStatements.margin(binder, bufferBps, useInitial, collateral);
        require(s < FIELD, "statement out of field");
        require(s < 1 << 241, "statement wider than 241 bits");
        require(address(uint160(s)) == binder, "binder");
        require(uint16(s >> 160) == bufferBps, "bufferBps");
        require(((s >> 176) & 1 == 1) == useInitial, "useInitial");
        require(uint64(s >> 177) == collateral, "collateral");
    }

    function testFuzz_LiquidationStatementUnpacks(address liquidator, uint64 collateral) public pure {
        uint256 s = ZkMarginStatements.liquidation(liquidator, collateral);
        require(s < 1 << 224, "statement wider than 224 bits");
        require(address(uint160(s)) == liquidator, "liquidator");
        require(uint64(s >> 160) == collateral, "collateral");
    }

    function testFuzz_StatementBindsSender(address a, address b, uint64 collateral) public pure {
        if (a == b) return;
        require(
            ZkMarginStatements.margin(a, 0, false, collateral) != ZkMarginStatements.margin(b, 0, false, collateral),
            "margin"
        );
        require(
            ZkMarginStatements.liquidation(a, collateral) != ZkMarginStatements.liquidation(b, collateral), "liquidation"
        );
    }

    function test_PoseidonKnownVectors() public pure {
        // poseidon-lite poseidon2 / circomlibjs poseidon
        require(
            PoseidonT3.hash(1, 2) == 7853200120776062878684798364095072458815029376092732009249414926327459813530,
            "poseidon([1, 2])"
        );
        require(
            PoseidonT3.hash(0, 0) == 14744269619966411208579211824598458697587494354926760081771325075741142829156,
            "poseidon([0, 0])"
        );
    }
}

contract PrivateMarginVaultFlowTest {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address internal constant ALICE = address(0xA11CE);
    address internal constant CAROL = address(0xCA401);
    uint64 internal constant COLLATERAL = 1_000_000_000;

    MockERC20 internal token;
    MockGroth16Verifier internal margin;
    MockGroth16Verifier internal liquidation;
    OracleRegistry internal registry;
    PrivateMarginVault internal vault;
    uint256[8] internal proof;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new MockERC20("USD Coin", "USDC");
        margin = new MockGroth16Verifier();
        liquidation = new MockGroth16Verifier();
        uint8[] memory caps = new uint8[](1);
        caps[0] = 1;
        address[] memory m = new address[](1);
        m[0] = address(margin);
        address[] memory l = new address[](1);
        l[0] = address(liquidation);
        ZkMarginVerifier adapter = new ZkMarginVerifier(caps, m, l);
        registry = new OracleRegistry(address(this), address(this), 42, 600);
        vault = new PrivateMarginVault(
            IERC20Minimal(address(token)), registry, IZkMarginVerifier(address(adapter)), address(this), 50e6, 3600, 500, 1000
        );
        token.mint(ALICE, 10 * uint256(COLLATERAL));
        vm.prank(ALICE);
        token.approve(address(vault), type(uint256).max);
        vm.prank(ALICE);
        vault.open(777, COLLATERAL);
        registry.post(1, uint64(block.timestamp), 99);
    }

    function _invariant() internal view {
        require(token.balanceOf(address(vault)) == vault.accountedBalance(), "balance invariant");
    }

    function test_AttestPassesBuiltStatement() public {
        (uint256 rc,,) = registry.getRound(1);
        margin.expectSignals([uint256(777), rc, ZkMarginStatements.margin(ALICE, 0, false, COLLATERAL)]);
        vm.prank(ALICE);
        vault.attest(1, 1, 1, 0, proof);
        require(vault.getAccount(1).lastHealthyRound == 1, "lastHealthyRound");
        // the same proof from another sender builds another statement
        vm.expectRevert(abi.encodeWithSelector(ZkMarginVerifier.ZkMarginVerifier__InvalidProof.selector));
        vm.prank(CAROL);
        vault.attest(1, 1, 1, 0, proof);
    }

    function test_StaleRoundRejected() public {
        vm.warp(block.timestamp + 601);
        vm.expectRevert(abi.encodeWithSelector(PrivateMarginVault.PrivateMarginVault__StaleRound.selector, uint64(1)));
        vm.prank(ALICE);
        vault.attest(1, 1, 1, 0, proof);
    }

    function test_LiquidateByProofOnce() public {
        vm.prank(CAROL);
        vault.liquidateByProof(1, 1, 1, proof);
        require(token.balanceOf(CAROL) == COLLATERAL * 500 / 10_000, "bonus");
        _invariant();
        vm.expectRevert(abi.encodeWithSelector(PrivateMarginVault.PrivateMarginVault__AccountClosed.selector, uint256(1)));
        vm.prank(CAROL);
        vault.liquidateByProof(1, 1, 1, proof);
    }

    function testFuzz_WithdrawKeepsInvariant(uint64 newCollateral) public {
        vm.assume(newCollateral <= 10 * uint256(COLLATERAL));
        vm.prank(ALICE);
        vault.update(1, 888, newCollateral, 1, 1, proof);
        require(vault.getAccount(1).collateral == newCollateral, "collateral");
        _invariant();
    }
}

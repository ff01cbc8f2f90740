// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Hardhat 3 Solidity tests (run: npx hardhat test solidity): the statement packings of circuits/README.md unpack
// to their fields and stay below the BN254 scalar field, for every argument (fuzzed).

import {ZkMarginStatements} from "../../contracts/lib/ZkMarginStatements.sol";

contract ZkMarginStatementsTest {
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    function testFuzz_MarginStatementUnpacks(address binder, uint16 bufferBps, bool useInitial, bool favourable)
        public
        pure
    {
        uint256 s = ZkMarginStatements.margin(binder, bufferBps, useInitial, favourable);
        require(s < 1 << 178, "margin statement wider than 178 bits");
        require(address(uint160(s)) == binder, "binder");
        require(uint16(s >> 160) == bufferBps, "bufferBps");
        require(((s >> 176) & 1 == 1) == useInitial, "useInitial");
        require(((s >> 177) & 1 == 1) == favourable, "favourable");
    }

    function testFuzz_TakeoverStatementUnpacks(
        uint64 ownerPayout,
        uint64 penalty,
        uint64 badDebt,
        uint16 penaltyBps,
        bool defaulted
    ) public pure {
        uint256 s = ZkMarginStatements.takeover(ownerPayout, penalty, badDebt, penaltyBps, defaulted);
        require(s < 1 << 209 && s < FIELD, "takeover statement wider than 209 bits");
        require(uint64(s) == ownerPayout, "ownerPayout");
        require(uint64(s >> 64) == penalty, "penalty");
        require(uint64(s >> 128) == badDebt, "badDebt");
        require(uint16(s >> 192) == penaltyBps, "penaltyBps");
        require(((s >> 208) & 1 == 1) == defaulted, "defaulted");
    }

    function testFuzz_ApplyStatementUnpacks(uint16 count, uint16 listedMarkets) public pure {
        uint256 s = ZkMarginStatements.applyFills(count, listedMarkets);
        require(s < 1 << 32, "apply statement wider than 32 bits");
        require(uint16(s) == count && uint16(s >> 16) == listedMarkets, "fields");
    }

    function testFuzz_MarginBindsSender(address a, address b) public pure {
        if (a == b) return;
        require(
            ZkMarginStatements.margin(a, 0, false, true) != ZkMarginStatements.margin(b, 0, false, true), "binder"
        );
    }
}

import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** The solc-js compiler installed from npm: Hardhat runs it instead of downloading a native build (offline). */
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

const compiler = (runs: number) => ({
  version: SOLC_VERSION,
  path: SOLC_PATH,
  settings: {
    // Cancun: the vault's reentrancy guard uses transient storage (EIP-1153).
    evmVersion: "cancun",
    optimizer: { enabled: true, runs },
  },
});

export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    compilers: [compiler(200)],
    overrides: {
      // PoseidonT3 is ~200 32-byte constants used once each: at 200 runs the optimizer moves them to code data
      // (CODECOPY + MLOAD per use, ~38k gas per hash); at a high run count they stay PUSH32 literals (~22k).
      "contracts/OracleRegistry.sol": compiler(1_000_000),
      "contracts/test/PoseidonT3Harness.sol": compiler(1_000_000),
    },
  },
});

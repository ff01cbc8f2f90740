import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** The solc-js compiler installed from npm: Hardhat runs it instead of downloading a native build (offline). */
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    // poseidon-solidity's PoseidonT2..T6 are libraries with public functions that the registry and the vault
    // link: Hardhat's Solidity test runner links every artifact, so it needs theirs too. (Deployments use the
    // package's published bytecode: prover/src/chain/deployment.ts deployPoseidon.)
    npmFilesToBuild: ["PoseidonT2", "PoseidonT3", "PoseidonT4", "PoseidonT5", "PoseidonT6"].map((name) => `poseidon-solidity/${name}.sol`),
    settings: {
      // Cancun: the vault's reentrancy guard uses transient storage (EIP-1153).
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
});

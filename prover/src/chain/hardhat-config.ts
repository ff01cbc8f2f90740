import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The Hardhat 3 configuration of zkmargin's contracts (hardhat.config.ts is this; the installed package's
 * demo passes it to Hardhat directly, since Node does not load a .ts config from node_modules): the npm
 * solc-js compiler (offline: no download), Cancun (the vault's reentrancy guard uses transient storage),
 * optimizer 200 runs, and poseidon-solidity's libraries built for the Solidity test runner's linking.
 * Needs hardhat, @nomicfoundation/hardhat-ethers and solc (optional peer dependencies).
 */
export async function hardhatConfig() {
  const hardhatEthers = (await import("@nomicfoundation/hardhat-ethers")).default;
  return {
    plugins: [hardhatEthers],
    solidity: {
      version: (require("solc/package.json") as { version: string }).version,
      path: require.resolve("solc/soljson.js"),
      // poseidon-solidity's PoseidonT2..T6 are libraries with public functions that the registry and the vault
      // link: Hardhat's Solidity test runner links every artifact, so it needs theirs too. (Deployments use the
      // package's published bytecode: prover/src/chain/deployment.ts deployPoseidon.)
      npmFilesToBuild: ["PoseidonT2", "PoseidonT3", "PoseidonT4", "PoseidonT5", "PoseidonT6"].map((name) => `poseidon-solidity/${name}.sol`),
      settings: {
        evmVersion: "cancun",
        optimizer: { enabled: true, runs: 200 },
      },
    },
  };
}

/**
 * zkmargin on a Hardhat 3 chain (Node >= 22.13, with hardhat, @nomicfoundation/hardhat-ethers and ethers
 * installed: optional peer dependencies): deploy the Poseidon libraries, the oracle registry, the verifiers
 * and their adapter, and the clearing vault, with the verifier contracts named by the artifacts' manifests.
 *
 * The consumer's Hardhat project compiles the contracts from the package: list them in
 * `solidity.npmFilesToBuild` (e.g. "zkmargin/contracts/ClearingVault.sol", "zkmargin/contracts/generated/
 * CrossMarginM16Verifier.sol", "poseidon-solidity/PoseidonT3.sol") or import them from a contract.
 */
import "./core/node-check.ts";
import { HARDHAT_NODE, requireNode } from "./core/runtime.ts";

requireNode(HARDHAT_NODE, "zkmargin/hardhat (Hardhat 3)");

export {
  deployClearing, deployPoseidon, registryRiskRows, verifierCircuitIds, verifierContracts, verifierContractsAt, librariesFor, send, read,
  POSEIDON_LIBRARIES, LINKED_LIBRARIES, STATEMENTS, STATEMENT_ARITY,
  type ClearingDeployment, type ClearingParameters, type HardhatEthers, type NamedSigner, type PoseidonAddresses, type PoseidonLibrary, type Statement,
} from "./chain/deployment.ts";

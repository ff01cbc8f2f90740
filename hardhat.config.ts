import { defineConfig } from "hardhat/config";
import { hardhatConfig } from "./prover/src/chain/hardhat-config.ts";

// The settings live in prover/src/chain/hardhat-config.ts, which the installed package's demo uses too.
export default defineConfig(await hardhatConfig());

import { it } from "vitest";
import { deploy, postRound } from "./helpers.ts";
it("x", async () => {
  const f = await deploy();
  const meter = await f.ethers.deployContract("GasMeter");
  const proof = Array.from({ length: 8 }, (_, i) => (2n ** 253n) + BigInt(i) * 99991n);
  const d = f.adapter.interface.encodeFunctionData("verifyMargin", [1, proof, 1n, 2n, 3n]);
  console.log("adapter->mock", (await meter.measure(f.adapter.target, d))[0]);
  const dm = f.margin[1].interface.encodeFunctionData("verifyProof", [[1n, 2n], [[3n, 4n], [5n, 6n]], [7n, 8n], [1n, 2n, 3n]]);
  console.log("mock alone", (await meter.measure(f.margin[1].target, dm))[0]);
  await postRound(f, 1n);
  const dr = f.registry.interface.encodeFunctionData("getRound", [1n]);
  console.log("registry.getRound", (await meter.measure(f.registry.target, dr))[0]);
  const [, , alice] = f.signers;
  await f.vault.connect(alice).open(5n, 1000n);
  const tx = await f.vault.connect(alice).attest(1n, 1n, 1, 0, proof);
  const r = await tx.wait();
  const data = tx.data.slice(2); let cd = 0; for (let i = 0; i < data.length; i += 2) cd += data.slice(i, i + 2) === "00" ? 4 : 16;
  console.log("attest real-ish", r!.gasUsed, "calldata", cd);
  const trace = await f.ethers.provider.send("debug_traceTransaction", [tx.hash, { disableStorage: true, disableMemory: true, disableStack: true }]).catch((e: Error) => e.message);
  if (typeof trace === "object") {
    const logs = trace.structLogs; console.log("steps", logs.length, "gas", trace.gas);
    for (const l of logs) if (["CALL", "STATICCALL", "SLOAD", "SSTORE", "LOG4", "RETURN"].includes(l.op)) console.log(l.depth, l.op, l.gas, l.gasCost);
  } else console.log(trace);
});

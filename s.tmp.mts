import { WarmProver } from "./prover/src/prover/warm-prover.ts";
import { benchInput } from "./prover/src/bench/accounts.ts";
const all = [["cross_margin_m16", { kind: "margin", profile: "cross", markets: 16 }], ["deposit_m16", { kind: "deposit", markets: 16 }], ["fills_m16_k8", { kind: "fills", markets: 16, fills: 8 }], ["tiered_margin_m16", { kind: "margin", profile: "tiered", markets: 16 }]] as const;
for (const [id, shape] of all.filter(([id]) => !process.argv[2] || id === process.argv[2])) {
  const input = benchInput(shape as any);
  const p = await WarmProver.load(id);
  const shares: string[] = []; const times: string[] = [];
  for (let i = 0; i < 10; i++) { const t = performance.now(); await p.prove(input); times.push((performance.now() - t).toFixed(0)); shares.push(((p as any).engine.split.current as number).toFixed(2)); }
  console.log(id, times.join(" "), "load", shares.join(" "));
  await p.close();
}

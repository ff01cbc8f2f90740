import { copyFileSync } from "node:fs";
import { relative } from "node:path";
import { compileCircuit } from "../build/compile.ts";
import { hashFile, produceAtomic } from "../build/files.ts";
import { artifactPaths, PROJECT_ROOT } from "../build/paths.ts";
import { exportKeyArtifacts, readManifest, type CircuitManifest } from "../build/setup.ts";
import { ZkMarginError } from "../core/errors.ts";
import { ceremonySpec } from "./init.ts";
import { checkedLatestKey, readTranscript, transcriptPath, withCeremonyLock, writeTranscript } from "./transcript.ts";
import { verifyCeremony, type CeremonyVerification } from "./verify.ts";
import { readZkeyHistory } from "./zkey-contributions.ts";

/**
 * Closes a circuit's ceremony and makes its final key the circuit's proving key: refuses unless the key ends
 * with the beacon, holds at least `minContributions` contributions (counted from the key itself) and passes
 * {@link verifyCeremony}, and unless the circuit compiled now is the one the ceremony started from. Then
 * copies the final key to build/<id>/main.zkey and exports, from that key only, the verification key, the
 * Solidity verifier and the manifest (which names the contributors and the transcript).
 *
 * @param circuitId the circuit whose ceremony to finalise
 * @param minContributions the fewest contributions accepted (at least 1)
 * @param options.ptau the Powers of Tau file if it moved since `init`
 */
export async function finalizeCeremony(circuitId: string, minContributions: number, options: { ptau?: string } = {}): Promise<{ manifest: CircuitManifest; verification: CeremonyVerification }> {
  if (!Number.isInteger(minContributions) || minContributions < 1) throw new ZkMarginError("--min-contributions", "must be a whole number of at least 1");
  const spec = ceremonySpec(circuitId);
  return withCeremonyLock(circuitId, async () => {
    const transcript = readTranscript(circuitId);
    // Finalised and exported: nothing to do. (Finalised but not exported, after an interruption: export again.)
    if (transcript.finalized && readManifest(circuitId)?.artifacts.zkey === transcript.finalized.sha256) throw new ZkMarginError(`ceremony ${circuitId}`, `was finalised on ${transcript.finalized.at}`);
    // Cheap refusals first, from the key itself (snarkjs' verification would accept a key with none).
    const history = readZkeyHistory(await checkedLatestKey(transcript));
    const count = history.contributions.filter((contribution) => contribution.kind === "contribution").length;
    if (history.contributions.at(-1)?.kind !== "beacon") throw new ZkMarginError(`ceremony ${circuitId}`, "has no final beacon: run `zkmargin ceremony beacon` after the last contribution");
    if (count < minContributions) throw new ZkMarginError(`ceremony ${circuitId}`, `has ${count} contribution(s); at least ${minContributions} required`);
    const verification = await verifyCeremony(circuitId, options);
    if (!verification.valid) throw new ZkMarginError(`ceremony ${circuitId}`, `does not verify: ${verification.problems.join("; ")}`);

    const compiled = await compileCircuit(spec);
    const paths = artifactPaths(circuitId);
    if ((await hashFile(paths.r1cs)) !== transcript.r1cs.sha256) throw new ZkMarginError(`ceremony ${circuitId}`, "the circuit changed since the ceremony began: its keys are for another r1cs");

    await produceAtomic(paths.zkey, async (temporary) => copyFileSync(verification.key, temporary));
    const finalKey = transcript.steps[transcript.steps.length - 1]!.sha256;
    const contributions = verification.contributions.filter((contribution) => contribution.kind === "contribution");
    const beacon = verification.contributions.at(-1)!;
    const insecure = transcript.ptau.trust !== "hermez";
    writeTranscript({ ...transcript, finalized: { at: new Date().toISOString(), sha256: finalKey, minContributions, contributions: contributions.length } });
    const manifest = await exportKeyArtifacts(spec, {
      sourceHash: compiled.sourceHash,
      compiler: compiled.compiler,
      ptau: transcript.ptau,
      ceremony: {
        kind: "multi-party",
        contributions: contributions.map((contribution) => ({ name: contribution.name, hash: contribution.hash ?? "" })),
        beacon: { hash: beacon.beacon?.hash ?? "", iterationsExp: beacon.beacon?.iterationsExp ?? 0 },
        insecure,
        note: insecure
          ? `Multi-party phase 2 (${contributions.length} contributions and a beacon) on a development Powers of Tau (${transcript.ptau.source}): INSECURE, the phase-1 secret may be known.`
          : `Multi-party phase 2 (${contributions.length} contributions and a beacon) on a published Powers of Tau; secure if one contributor destroyed their secret.`,
        transcript: { path: relative(PROJECT_ROOT, transcriptPath(circuitId)), sha256: await hashFile(transcriptPath(circuitId)) },
      },
    });
    return { manifest, verification };
  });
}

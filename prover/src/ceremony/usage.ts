/** Usage of `zkmargin ceremony`. */
export const CEREMONY_USAGE = `Usage: zkmargin ceremony <step> --circuit ID [options]   (files in build/ceremony/<ID>/)
  init        --circuit ID [--ptau FILE [--allow-unverified-ptau]]  initial key; the Powers of Tau must be a
                                                                    published Hermez file (else INSECURE dev file)
  contribute  --circuit ID --name NAME [--entropy TEXT]             add a contribution, print its hash to announce
  verify      --circuit ID [--ptau FILE] [--json]                   verify the transcript from the r1cs and the
                                                                    Powers of Tau, list contributions (exit 1: invalid)
  beacon      --circuit ID --hash HEX --iterations N                final public beacon, 2^N hash iterations (10..63)
  finalize    --circuit ID --min-contributions K [--ptau FILE]      refuse below K contributions or without beacon;
                                                                    export proving key, verifier, vkey and manifest`;

/** Options of `zkmargin ceremony` (a union over its steps). */
export const CEREMONY_OPTIONS = {
  circuit: { type: "string" },
  ptau: { type: "string" },
  "allow-unverified-ptau": { type: "boolean" },
  name: { type: "string" },
  entropy: { type: "string" },
  hash: { type: "string" },
  iterations: { type: "string" },
  "min-contributions": { type: "string" },
  json: { type: "boolean" },
} as const;

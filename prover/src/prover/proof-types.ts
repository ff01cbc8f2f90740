/**
 * A Groth16 proof over BN254 as snarkjs writes it: projective coordinates as decimal strings. zkmargin's own
 * type (the same shape as snarkjs' `Groth16Proof`), so that the SDK's public types need no typings of snarkjs.
 */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

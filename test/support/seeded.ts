/** Seeded randomness for load scripts, benches and property tests: the same seed, the same choices. */

/** A small seeded generator (mulberry32), so a run's choices can be replayed with --seed.
 *
 * @example
 * const random = seeded(42);
 * random(); // the same number in [0, 1) on every run
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A small seeded generator (sfc32, from PractRand) whose whole state is four numbers, so a checkpoint can save it
 * and a resumed run continue the very same sequence.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  state(): number[];
}

export function createRandom(seed: number | readonly number[]): Random {
  let [a, b, c, d] = typeof seed === 'number' ? [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0] : seed;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Mix a fresh seed well before the first draw, as sfc32's authors advise.
  if (typeof seed === 'number') for (let i = 0; i < 15; i++) next();
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal() {
      const u = 1 - next(); // in (0, 1]: log(u) is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    state: () => [a, b, c, d],
  };
}

/** A seed derived from a parent seed and a purpose, so independent streams (data order, noise) never overlap. */
export function deriveSeed(seed: number, ...purpose: (string | number)[]): number {
  let hash = 2166136261 ^ seed;
  for (const char of purpose.join('/')) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

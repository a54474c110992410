/**
 * The wall-clock seconds `measure(1)` and `measure(2)` time (one process or worker, then two), each measured twice in
 * the order 1, 2, 2, 1 and summed: a host that slows down or speeds up during the benchmark (a busy neighbour of this
 * virtual machine) weighs on both alike instead of on whichever ran at the time.
 */
export async function twoAgainstOne(name: string, measure: (count: number) => Promise<number>) {
  const seconds: Record<string, number[]> = { [`${name}_1_s`]: [], [`${name}_2_s`]: [] };
  for (const count of [1, 2, 2, 1]) seconds[`${name}_${count}_s`].push(round(await measure(count)));
  const [one, two] = Object.values(seconds).map((times) => times.reduce((sum, time) => sum + time, 0));
  return { ...seconds, speedup: round(one / two) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Seconds since `start` (a `performance.now()`). */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;

/** The largest seed: seeds are used as unsigned 32-bit integers, so every seed up to it is exact and distinct. */
export const MAX_SEED = 2 ** 32 - 1;

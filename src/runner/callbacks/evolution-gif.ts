import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-files.js';
import { encodeGifFiles, type GifOptions, isGrey } from '../../images/gif.js';
import type { Tracker } from '../../tracking/tracker.js';
import { gridsInOrder } from '../run-folder/sample-index.js';
import { bestEffort } from './best-effort.js';
import type { Callback } from './callback.js';

/** The GIF's name in the run folder and among the run's artifacts. */
export const EVOLUTION_GIF = 'evolution.gif';

/**
 * Frames at 4 a second, the last one held 2 s before the loop starts again. 16 palette entries: with more, libvips
 * keeps a grey grid's 256 levels (a 302x302 quickstart grid: 65 kB as a GIF frame, 55 kB as a PNG); with 16, chosen
 * by libimagequant, the grids look the same at a glance and 5 quickstart grids take 169 kB (306 kB as PNGs).
 */
export const GIF_OPTIONS: GifOptions = { frameMs: 250, lastFrameMs: 2000, colours: 16 };
/**
 * Colour grids need the whole palette: 16 entries band a colour grid's shades into patches. No dithering: the dots
 * would move from frame to frame, a flicker over the whole animation.
 */
export const COLOUR_GIF_OPTIONS: GifOptions = { ...GIF_OPTIONS, colours: 256 };
/**
 * At most this many frames (a minute at 4 a second), so that memory and the file stay small: with more grids, frames
 * spread evenly over them, the first and the last included.
 */
export const MAX_FRAMES = 240;

export interface EvolutionGifOptions {
  runDir: string;
  tracker: Tracker;
  warn: (line: string) => void;
}

/**
 * evolution.gif: the run's sample grids (all of samples/, those from before a resume too) as one animation, made when
 * the run ends and logged as an artifact; also when it fails, from the grids there are. Listed after sampleGrids, so
 * that the last grid is in it. A GIF that cannot be made is said on `warn`: it is not worth failing a run for.
 */
export function evolutionGif({ runDir, tracker, warn }: EvolutionGifOptions): Callback {
  const make = () =>
    bestEffort(warn, `write ${EVOLUTION_GIF}`, async () => {
      const grids = evenlySpaced(await gridsInOrder(join(runDir, 'samples')), MAX_FRAMES);
      const frames = (await Promise.all(grids.map(({ file }) => present(file)))).filter((file) => file !== undefined);
      if (frames.length === 0) return;
      const file = join(runDir, EVOLUTION_GIF);
      const options = (await isGrey(frames[0])) ? GIF_OPTIONS : COLOUR_GIF_OPTIONS;
      await writeFileAtomic(file, await encodeGifFiles(frames, options));
      await tracker.logArtifact(file);
    });
  return {
    async onRunEnd(context) {
      if (!context.hurryRequested()) await make();
    },
    async onRunFailed() {
      await make();
    },
  };
}

/** A grid's file; undefined when it is gone (removed by hand). */
async function present(file: string): Promise<string | undefined> {
  return stat(file).then(
    () => file,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
}

/** `count` items spread evenly over `items`, the first and the last included; all of them when they are fewer. */
export function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count === 1) return [items[items.length - 1]];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]);
}

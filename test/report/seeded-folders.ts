import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tinyYaml } from '../helpers/experiments.js';

/** A configuration of the tiny experiment: its settings, as --set paths would give them. */
export interface Configuration {
  loss: string;
  lr: number;
  width: number;
  latent: number;
  /** The FID each seed ends at, seed 1 first. */
  fids: number[];
}

/**
 * Run folders as `gx run` leaves them (run.json, experiment.yaml, history.jsonl, eval.jsonl, floor.json, a grid
 * per step), written directly: a report's input of several configurations on several seeds without training them.
 * A configuration's seeds differ in `seed:` alone. Returns the folders, configuration by configuration.
 */
export async function writeSeededRunFolders(dir: string, configurations: readonly Configuration[]): Promise<string[]> {
  const folders: string[] = [];
  for (const [c, { loss, lr, width, latent, fids }] of configurations.entries()) {
    for (const [s, fid] of fids.entries()) {
      const seed = s + 1;
      const id = `tiny-c${c}-s${seed}`;
      const runDir = join(dir, id);
      mkdirSync(join(runDir, 'samples'), { recursive: true });
      const runName = `tiny loss=${loss} lr=${lr} seed=${seed}`;
      writeFileSync(
        join(runDir, 'run.json'),
        JSON.stringify({ id, runName, status: 'FINISHED', tracking: { store: 'none' } }),
      );
      const yaml = tinyYaml
        .replace('seed: 1', `seed: ${seed}`)
        .replace('type: standard', `type: ${loss}`)
        .replace('width: 2', `width: ${width}`)
        .replace('latent_size: 8', `latent_size: ${latent}`)
        .replaceAll('lr: 0.001', `lr: ${lr}`);
      writeFileSync(join(runDir, 'experiment.yaml'), yaml);
      const history = Array.from({ length: 20 }, (_, i) => ({
        step: i + 1,
        epoch: Math.floor(i / 10),
        g_loss: 1 + 0.1 * Math.sin(i + seed),
        d_loss: loss === 'wgan' ? -2 * (i + 1) : 0.7 + 0.05 * Math.cos(i + c),
      }));
      writeFileSync(join(runDir, 'history.jsonl'), history.map((line) => `${JSON.stringify(line)}\n`).join(''));
      const evaluations = [10, 20].map((step) => ({ step, fid: step === 20 ? fid : fid * 2, class_accuracy: 0.5 }));
      writeFileSync(join(runDir, 'eval.jsonl'), evaluations.map((line) => `${JSON.stringify(line)}\n`).join(''));
      writeFileSync(
        join(runDir, 'floor.json'),
        JSON.stringify({ network: 'judge', real_fid: 1.5, real_class_accuracy: 0.97 }),
      );
      for (const step of [10, 20]) {
        const background = { r: 40 * c, g: 10 * seed, b: step };
        const png = await sharp({ create: { width: 60, height: 60, channels: 3, background } })
          .png()
          .toBuffer();
        writeFileSync(join(runDir, 'samples', `step-${String(step).padStart(6, '0')}.png`), png);
      }
      folders.push(runDir);
    }
  }
  return folders;
}

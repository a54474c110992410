import type { Problem } from './yaml-source.js';

type Section = Record<string, unknown>;

let renameNoticed = false;

/**
 * Before validation: model.conditioning, G's conditioning before D had its own, is read as model.g_conditioning
 * (experiment files and recorded runs from before keep working), with a one-line notice per process.
 */
export function renameOldKeys(data: unknown, notice: (line: string) => void = writeNotice): Problem[] {
  const model = sectionOf(data, 'model');
  if (!model || !('conditioning' in model)) return [];
  if ('g_conditioning' in model) {
    return [
      {
        path: ['model', 'conditioning'],
        atKey: true,
        message: 'model.conditioning is the old name of model.g_conditioning, and both are given: keep g_conditioning',
      },
    ];
  }
  model.g_conditioning = model.conditioning;
  delete model.conditioning;
  if (!renameNoticed) notice('model.conditioning is now model.g_conditioning (read as such); rename it in the file');
  renameNoticed = true;
  return [];
}

/**
 * After validation (defaults filled in): model.d_conditioning settles to auxiliary with loss.auxiliary and none
 * without; the AC-GAN class term needs D's class head, and the head needs the term that trains it.
 */
export function conditioningProblems(data: unknown): Problem[] {
  const model = sectionOf(data, 'model');
  const loss = sectionOf(data, 'loss');
  if (!model || !loss) return [];
  const auxiliary = loss.auxiliary !== undefined;
  model.d_conditioning ??= auxiliary ? 'auxiliary' : 'none';
  if (auxiliary && model.d_conditioning !== 'auxiliary') {
    return [
      {
        path: ['loss', 'auxiliary'],
        atKey: true,
        message: `loss.auxiliary (the AC-GAN class term) needs D's class head, but model.d_conditioning is ${String(model.d_conditioning)}: set it to auxiliary, or remove loss.auxiliary`,
      },
    ];
  }
  if (!auxiliary && model.d_conditioning === 'auxiliary') {
    return [
      {
        path: ['model', 'd_conditioning'],
        message:
          'model.d_conditioning auxiliary is the class head that loss.auxiliary trains, and the loss has none: add loss.auxiliary, or choose projection or none',
      },
    ];
  }
  return [];
}

function sectionOf(data: unknown, key: string): Section | undefined {
  const section = (data as Section | null)?.[key];
  return typeof section === 'object' && section !== null && !Array.isArray(section) ? (section as Section) : undefined;
}

function writeNotice(line: string): void {
  process.stderr.write(`gx: ${line}\n`);
}

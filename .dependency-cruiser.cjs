/**
 * The import rules of ../shared/DESIGN.md ("Layers, lowest first"): a module imports only from its own layer or
 * those below it, and nothing imports in a cycle (not even types: an index and its entries count).
 * `npm run lint` runs this.
 */
const layers = [
  ['core', '^src/(core/|images/|(errors|random|version|atomic-files|system-errors|mlflow-names|uri-credentials)[.]ts$)'],
  ['data', '^src/data/'],
  ['backend', '^src/backend/'],
  ['registry', '^src/registry/'],
  ['config', '^src/config/'],
  ['models', '^src/models/'],
  ['runner, eval, tracking', '^src/(runner|eval|tracking)/'],
  ['sweep, report', '^src/(sweep|report)/'],
  ['commands', '^src/(commands/|cli/|index[.]ts$)'],
];

const upward = layers.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name.replace(/\W+/g, '-')}`,
  comment: `${name} (layer ${i + 1}) imports only from its own layer or below`,
  severity: 'error',
  from: { path },
  to: { path: layers.slice(i + 1).map(([, higher]) => `(${higher})`).join('|') },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'eval-not-runner',
      comment: 'a callback uses eval; eval never imports runner',
      severity: 'error',
      from: { path: '^src/eval/' },
      to: { path: '^src/runner/' },
    },
    {
      name: 'tracking-alone',
      comment: 'tracking never imports the runner, eval or tfjs',
      severity: 'error',
      from: { path: '^src/tracking/' },
      to: { path: '^src/(runner|eval)/|@tensorflow' },
    },
    {
      name: 'report-not-sweep',
      comment: 'a report is drawn from plain data (runs, a ranking); the sweep imports report, never the reverse',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/sweep/' },
    },
    {
      name: 'trainer-no-tracking',
      comment: 'the trainer and its steps know nothing of files or MLflow',
      severity: 'error',
      from: { path: '^src/runner/loop/' },
      to: { path: '^src/tracking/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};

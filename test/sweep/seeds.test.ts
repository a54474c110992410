import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gx } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';

type Pair<V = string> = { key: string; value: V };
interface Run {
  info: { run_id: string; run_name: string; status: string };
  data: { params?: Pair[]; tags?: Pair[]; metrics?: Pair<number>[] };
}
const asRecord = <V>(pairs: Pair<V>[] = []) => Object.fromEntries(pairs.map(({ key, value }) => [key, value]));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sd = (values: number[]) =>
  Math.sqrt(values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1));
/** As the sweep prints a value: five significant digits (a spread three). */
const shown = (value: number, digits = 5) => String(Number(value.toPrecision(digits)));

describe('gx sweep --seeds', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer();
  });
  after(() => server?.stop());

  it('compares 2 configurations on 3 seeds each by the mean and spread, in the table, trials.csv and MLflow', async () => {
    const dir = tinyIn('seeded');
    const args = ['sweep', 'seeded.yaml', '-p', 'loss.type=standard,lsgan', '--seeds', '3', '--max-steps', '2'];
    const result = gx([...args, '--jobs', '2'], { cwd: dir, env: { MLFLOW_TRACKING_URI: server.uri } });
    assert.equal(result.status, 0, result.stderr);
    // What it prints to sum the sweep up fits a 120-column terminal.
    for (const line of result.stdout.split('\n')) assert.ok(line.length <= 120, `${line.length} columns: ${line}`);

    // The trials' runs, read back from the server: named by the loss and the seed (the experiment's, 1, on).
    const { experiment } = await mlflowApi<{ experiment: { experiment_id: string } }>(
      server,
      'mlflow/experiments/get-by-name',
      { experiment_name: 'seeded' },
    );
    const { runs } = await mlflowApi<{ runs: Run[] }>(server, 'mlflow/runs/search', undefined, {
      experiment_ids: [experiment.experiment_id],
    });
    const parent = runs.find((run) => asRecord(run.data.tags)['mlflow.parentRunId'] === undefined) as Run;
    const children = runs.filter((run) => run !== parent);
    assert.deepEqual(children.map((run) => run.info.run_name).sort(), [
      'loss=lsgan seed=1',
      'loss=lsgan seed=2',
      'loss=lsgan seed=3',
      'loss=standard seed=1',
      'loss=standard seed=2',
      'loss=standard seed=3',
    ]);
    const child = (loss: string, seed: number) =>
      children.find((run) => run.info.run_name === `loss=${loss} seed=${seed}`) as Run;
    const gLoss = (run: Run) => asRecord(run.data.metrics).g_loss;
    const seeds = [1, 2, 3];
    const configurations = ['standard', 'lsgan']
      .map((loss) => ({ loss, values: seeds.map((seed) => gLoss(child(loss, seed))) }))
      .sort((a, b) => mean(a.values) - mean(b.values));
    const [best, other] = configurations;
    const bestTrial = child(best.loss, seeds[best.values.indexOf(Math.min(...best.values))]);

    // The printed table: one row per configuration, ranked by the mean, with the sd and each seed's value, and its
    // best run by name (the runs' ids are in trials.csv).
    const table = result.stdout.split('\n');
    assert.match(table[0], /^rank +loss +done +g_loss mean +sd +seed=1 +seed=2 +seed=3 +best run$/);
    configurations.forEach(({ loss, values }, i) => {
      const cells = table[i + 1].trim().split(/ {2,}/);
      const bestSeed = seeds[values.indexOf(Math.min(...values))];
      assert.deepEqual(cells, [
        String(i + 1),
        loss,
        '3/3',
        shown(mean(values)),
        shown(sd(values), 3),
        ...values.map((value) => shown(value)),
        `loss=${loss} seed=${bestSeed}`,
      ]);
    });
    assert.doesNotMatch(result.stdout, new RegExp(children.map((run) => run.info.run_id).join('|')));
    const sweepDir = /^sweep \S+: (.+)$/m.exec(result.stdout)?.[1] as string;

    const csv = readFileSync(join(sweepDir, 'trials.csv'), 'utf8').trim().split('\n');
    assert.equal(
      csv[0],
      'rank,loss.type,finished,g_loss mean,g_loss sd,g_loss seed=1,g_loss seed=2,g_loss seed=3,best run,best run_id',
    );
    assert.equal(csv.length, 3);
    assert.deepEqual(csv[1].split(','), [
      '1',
      best.loss,
      '3/3',
      shown(mean(best.values)),
      shown(sd(best.values), 3),
      ...best.values.map((value) => shown(value)),
      bestTrial.info.run_name,
      bestTrial.info.run_id,
    ]);
    assert.match(csv[2], new RegExp(`^2,${other.loss},3/3,${shown(mean(other.values))},`));

    // The parent: the settings every trial shares as params beside the sweep's own, the best configuration and
    // its best trial as a link in its description, and the ranking as a GFM table with each seed's run linked.
    const params = asRecord(parent.data.params);
    assert.equal(params['train.max_steps'], '2');
    assert.equal(params['model.type'], 'dcgan');
    assert.equal(params['train.optimizer.g.lr'], '0.001');
    assert.equal(params['sweep.seeds'], '3');
    assert.equal(params['sweep.loss.type'], '["standard","lsgan"]');
    // What differs between the trials is theirs; bookkeeping is no setting.
    assert.deepEqual(
      Object.keys(params).filter((key) => /^(loss\.type|seed|tracking|name|description)\b/.test(key)),
      [],
    );
    const childParams = asRecord(children[0].data.params);
    for (const [key, value] of Object.entries(params).filter(([key]) => !key.startsWith('sweep.')))
      assert.equal(childParams[key], value, key);

    const note = asRecord(parent.data.tags)['mlflow.note.content'];
    const link = (run: Run) => `(#/experiments/${experiment.experiment_id}/runs/${run.info.run_id})`;
    assert.match(note, /6 trials, 2 configurations on 3 seeds each, ranked by the mean `g_loss` over the seeds/);
    assert.ok(
      note.includes(
        `Best configuration: **loss=${best.loss}**, g_loss ${shown(mean(best.values))} ± ${shown(sd(best.values), 3)} over 3 seeds; its best trial: [${bestTrial.info.run_name}]${link(bestTrial)}`,
      ),
      note,
    );
    const rows = note.split('\n').filter((line) => line.startsWith('|'));
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.replace(/&ensp;|[\u2007\u2008]/g, ''));
    assert.deepEqual(cells(rows[0]), [
      '#',
      'configuration',
      'g_loss mean',
      'sd',
      'seed 1',
      'seed 2',
      'seed 3',
      'finished',
    ]);
    assert.equal(rows[1], '|---:|:---|---:|---:|---:|---:|---:|---:|');
    configurations.forEach(({ loss, values }, i) => {
      assert.deepEqual(cells(rows[i + 2]), [
        String(i + 1),
        `loss=${loss}`,
        shown(mean(values)),
        shown(sd(values), 3),
        ...values.map((value, s) => `[${shown(value)}]${link(child(loss, seeds[s]))}`),
        '3/3',
      ]);
    });
    assert.equal(rows.length, 4);
    const parentTags = asRecord(parent.data.tags);
    assert.equal(parentTags['gx.sweep.best_run_id'], bestTrial.info.run_id);
    assert.equal(parentTags['gx.sweep.best_configuration'], `loss=${best.loss}`);
    assert.equal(asRecord(parent.data.metrics).best_g_loss_mean, mean(best.values));
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { backendNames } from '../../src/backend/backend-names.js';
import Worker from '../../src/commands/worker.js';
import { repoRoot } from '../helpers/cli.js';
import { MLFLOW_VERSION } from '../helpers/mlflow.js';

/** The file's one YAML document, refused on any error or warning (a duplicated key, a bad indent, a tab). */
function deployFile(name: string) {
  const documents = parseAllDocuments(readFileSync(join(repoRoot, 'deploy', name), 'utf8'), { uniqueKeys: true });
  assert.ok(!('empty' in documents) && documents.length === 1, `${name}: one YAML document`);
  const [document] = documents;
  assert.deepEqual([...document.errors, ...document.warnings], [], name);
  return document.toJS();
}

/** A `gx worker` command line: its options are the command's own, with values it takes. */
function assertWorkerCommand(command: string[]) {
  assert.deepEqual(command.slice(0, 2), ['gx', 'worker']);
  for (let i = 2; i < command.length; i += 2) {
    const flag = command[i].replace(/^--/, '');
    assert.ok(flag in Worker.flags, `gx worker has no --${flag}`);
    if (flag === 'backend') assert.ok(backendNames.includes(command[i + 1] as never), command[i + 1]);
    if (flag === 'concurrency') assert.ok(Number(command[i + 1]) >= 1);
  }
}

describe('the cluster templates in deploy/', () => {
  it('compose.yaml: Redis with a password, the MLflow that gx is tested with, workers that share only those', () => {
    const { services, volumes } = deployFile('compose.yaml');
    assert.deepEqual(Object.keys(services).sort(), ['mlflow', 'redis', 'worker']);
    assert.ok(services.redis.command.includes('--requirepass'));
    assert.equal(services.mlflow.image, `ghcr.io/mlflow/mlflow:v${MLFLOW_VERSION}`);
    assertWorkerCommand(services.worker.command);
    const env = services.worker.environment;
    assert.match(env.GX_QUEUE, /^redis:\/\/redis:6379$/);
    assert.match(env.MLFLOW_TRACKING_URI, /^http:\/\/mlflow:5000$/);
    // The password is the host's variable, never a value in the file.
    assert.match(env.REDIS_PASSWORD, /^\$\{REDIS_PASSWORD:\?/);
    assert.equal(services.worker.volumes, undefined, 'workers share no volume');
    assert.deepEqual(Object.keys(volumes).sort(), ['mlflow', 'redis']);
  });

  it('workers.yaml: a Deployment whose pods take their logins from Secrets and have time to checkpoint', () => {
    const deployment = deployFile('workers.yaml');
    assert.equal(deployment.kind, 'Deployment');
    assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
    const pod = deployment.spec.template.spec;
    assert.ok(pod.terminationGracePeriodSeconds >= 60);
    assert.equal(pod.volumes, undefined, 'pods share no volume');
    const [container] = pod.containers;
    assertWorkerCommand(container.command);
    const env = Object.fromEntries(container.env.map((entry: { name: string }) => [entry.name, entry]));
    assert.match(env.GX_QUEUE.value, /^redis:\/\//);
    assert.match(env.MLFLOW_TRACKING_URI.value, /^https?:\/\//);
    for (const secret of ['REDIS_PASSWORD', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD']) {
      assert.equal(env[secret].value, undefined, `${secret} is not written in the file`);
      assert.ok(env[secret].valueFrom.secretKeyRef.name, `${secret} comes from a Secret`);
    }
  });
});

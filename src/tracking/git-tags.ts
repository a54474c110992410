import { execFileSync } from 'node:child_process';
import { withoutCredentials } from '../uri-credentials.js';

/** The tags MLflow's UI shows for the source's git state (commit, branch, remote), plus whether it was dirty. */
export function gitTags(cwd = process.cwd()): Record<string, string> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined; // not a repository, no remote, or no git at all
    }
  };
  const commit = git('rev-parse', 'HEAD');
  if (commit === undefined) return {};
  const tags: Record<string, string> = {
    'mlflow.source.git.commit': commit,
    // As `git describe --dirty` says it: tracked files changed since the commit. Untracked files (gx's own ./runs
    // and ./mlruns in a project that does not ignore them) do not make a checkout dirty.
    'gx.git.dirty': String((git('status', '--porcelain', '--untracked-files=no') ?? '') !== ''),
  };
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
  if (branch && branch !== 'HEAD') tags['mlflow.source.git.branch'] = branch;
  const remote = git('remote', 'get-url', 'origin');
  // A remote may hold a token (https://user:token@host/...): the tag is readable by every user of the server.
  if (remote) tags['mlflow.source.git.repoURL'] = withoutCredentials(remote);
  return tags;
}

import type { Artifact, ArtifactFile, Run } from './types.ts';

/** One deployed version of a scenario: the run that deployed it and the files it deployed. */
export interface Version {
  number: number;
  run: Run;
  bundle: Artifact | undefined;
}

/** Files added, removed and changed from one bundle to the next, by path and content hash. */
export interface FileChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * The deployed versions, oldest first: each run that deployed, with the bundle it deployed (the
 * one its facts name; a rollback's belongs to an earlier run), found among `artifacts`.
 */
export function versionsOf(runs: Run[], artifacts: Artifact[]): Version[] {
  const byKey = new Map(artifacts.map((a) => [a.objectKey, a]));
  return runs
    .filter((r) => r.status === 'succeeded')
    .sort((a, b) => a.number - b.number)
    .map((run, i) => {
      const keys = (run.facts.keys ?? {}) as { validBundleKey?: string; bundleKey?: string };
      const key = keys.validBundleKey ?? keys.bundleKey;
      const own = artifacts.filter((a) => a.runId === run.id && a.kind === 'bundle').at(-1);
      return { number: i + 1, run, bundle: (key && byKey.get(key)) || own };
    });
}

export function fileChanges(before: ArtifactFile[], after: ArtifactFile[]): FileChanges {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const now = new Map(after.map((f) => [f.path, f.sha256]));
  return {
    added: [...now.keys()].filter((p) => !old.has(p)).sort(),
    removed: [...old.keys()].filter((p) => !now.has(p)).sort(),
    changed: [...now.keys()].filter((p) => old.has(p) && old.get(p) !== now.get(p)).sort(),
  };
}

/** The URL of one file of a bundle (each path segment encoded). */
export function fileUrl(bundle: Artifact, path: string): string {
  return `/api/artifacts/${bundle.id}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

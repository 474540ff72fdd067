import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import * as yaml from 'js-yaml';
import { KUSTOMIZATION_FILE } from '../lib/output/kustomization';
import { OUTPUT_MARKER } from '../lib/output/synthesize';

/**
 * What differs between two synthesized folders, judged on parsed manifests; empty when they are equal.
 * The kustomization and the output marker synthesizeApp adds are not manifests, so plain `app.synth()` output compares
 * equal.
 */
export function manifestDifferences(dirA: string, dirB: string): string[] {
  const filesA = listFiles(dirA).filter(f => f !== KUSTOMIZATION_FILE && f !== OUTPUT_MARKER);
  const filesB = listFiles(dirB).filter(f => f !== KUSTOMIZATION_FILE && f !== OUTPUT_MARKER);
  if (!isDeepStrictEqual(filesA, filesB)) {
    const onlyA = filesA.filter(f => !filesB.includes(f));
    const onlyB = filesB.filter(f => !filesA.includes(f));
    return [
      `file lists differ: only in ${dirA}: ${onlyA.slice(0, 5).join(', ')}; only in ${dirB}: ${onlyB.slice(0, 5).join(', ')}`,
    ];
  }
  const problems: string[] = [];
  for (const file of filesA) {
    const docsA = yaml.loadAll(fs.readFileSync(path.join(dirA, file), 'utf8'));
    const docsB = yaml.loadAll(fs.readFileSync(path.join(dirB, file), 'utf8'));
    if (docsA.length !== docsB.length) {
      problems.push(`${file}: ${docsA.length} documents against ${docsB.length}`);
      continue;
    }
    docsA.forEach((doc, i) => {
      if (!isDeepStrictEqual(doc, docsB[i]))
        problems.push(`${file}: document ${i} differs:\n${yaml.dump(doc)}---\n${yaml.dump(docsB[i])}`);
    });
  }
  return problems;
}

/** True when both folders hold the same files with the same bytes. */
export function sameBytes(dirA: string, dirB: string): boolean {
  const files = listFiles(dirA);
  return (
    isDeepStrictEqual(files, listFiles(dirB)) &&
    files.every(f => fs.readFileSync(path.join(dirA, f)).equals(fs.readFileSync(path.join(dirB, f))))
  );
}

/** Every file below `dir`, relative to it, sorted. */
export function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

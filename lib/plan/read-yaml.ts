import * as fs from 'fs';
import { createRequire } from 'module';

/** The part of the `yaml` package used here (the one cdk8s bundles). */
interface YamlDocument {
  readonly errors: ReadonlyArray<{
    readonly message: string;
    readonly linePos?: ReadonlyArray<{ readonly line: number; readonly col: number }>;
  }>;
  toJS(): unknown;
}
interface YamlModule {
  parseAllDocuments(text: string, options: { version: '1.1' }): YamlDocument[] | { readonly errors: unknown[] };
}

/** A file that cannot be read or is not valid YAML; the message starts with the file name. */
export class ManifestFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestFileError';
  }
}

/**
 * The documents of a multi-document YAML file (`-` reads standard input), parsed as Kubernetes reads
 * YAML (1.1); empty documents are skipped. Throws a {@link ManifestFileError} naming the file, the line
 * and the column of the first syntax error, duplicate keys included.
 * @internal
 */
export function readManifestFile(file: string): unknown[] {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new ManifestFileError(
      `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseManifests(file, text);
}

/** {@link readManifestFile} for text already read; `file` names it in errors. @internal */
export function parseManifests(file: string, text: string): unknown[] {
  const parsed = yaml().parseAllDocuments(text, { version: '1.1' });
  const docs = Array.isArray(parsed) ? parsed : [];
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    const problem = doc.errors[0];
    if (problem) {
      const where = problem.linePos?.[0];
      const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestFileError(
        `${file}: not valid YAML${where ? ` at line ${where.line}, column ${where.col}` : ''} (document ${i + 1}): ${message}`,
      );
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}

/**
 * The `yaml` package cdk8s bundles and parses with, resolved from cdk8s's own folder: it is installed
 * wherever cdk8s (a peer dependency) is, so reading YAML needs no dependency of this package's own.
 * cdk8s's `Yaml.load` is not used: it drops syntax errors silently.
 */
function yaml(): YamlModule {
  return createRequire(require.resolve('cdk8s'))('yaml') as YamlModule;
}

import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from '@swc/core';
import * as cdk8s from 'cdk8s';
import * as lib from '../lib';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** Runs a README TypeScript example against this checkout's lib and returns the YAML its `app.synth()` would write. */
function runExample(source: string): string {
  let yaml: string | undefined;
  class CapturingApp extends cdk8s.App {
    public synth(): void {
      yaml = this.synthYaml();
    }
  }
  const modules: Record<string, unknown> = { cdk8s: { ...cdk8s, App: CapturingApp }, 'cdk8s-delivery': lib };
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const requireExample = (name: string) => {
    if (!(name in modules)) throw new Error(`README example imports ${name}, which this test does not provide`);
    return modules[name];
  };
  new Function('require', 'exports', code)(requireExample, {});
  if (yaml === undefined) throw new Error('README example never called app.synth()');
  return yaml;
}

describe('README', () => {
  test('the first example synthesizes to exactly the YAML shown under it', () => {
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const shown = /<summary>The YAML it produces[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(shown).toBeDefined();
    expect(runExample(example!).trimEnd()).toEqual(shown!.trimEnd());
  });

  test('quick start is the two commands', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm test');
  });
});

describe('README "Errors you may see"', () => {
  test('every message it quotes is one the bad-input table produces (docs/guide/errors.md)', () => {
    const section = /## Errors you may see\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const quoted = /```\n([\s\S]*?)```/.exec(section)?.[1].trim().split('\n') ?? [];
    const table = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guide', 'errors.md'), 'utf8');
    expect(quoted.length).toBeGreaterThanOrEqual(3);
    for (const message of quoted)
      expect({ message, inTable: table.includes(`\`${message}\``) }).toEqual({ message, inTable: true });
  });
});

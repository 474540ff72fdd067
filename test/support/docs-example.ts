import { transformSync } from '@swc/core';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as yaml from 'js-yaml';
import * as lib from '../../lib';

/**
 * Problems with `excerpt` as a part of `actual`: objects may leave keys out, lists may leave
 * items out (the rest in order), and the string '...' stands for anything.
 */
export function notPartOf(excerpt: unknown, actual: unknown, at = ''): string[] {
  if (excerpt === '...') return [];
  if (Array.isArray(excerpt)) {
    if (!Array.isArray(actual)) return [`${at}: a list in the docs, ${JSON.stringify(actual)} in the output`];
    let from = 0;
    for (const [i, item] of excerpt.entries()) {
      const hit = actual.findIndex((candidate, j) => j >= from && notPartOf(item, candidate).length === 0);
      if (hit < 0) return [`${at}[${i}]: ${JSON.stringify(item)} is not in the output's list`];
      from = hit + 1;
    }
    return [];
  }
  if (excerpt !== null && typeof excerpt === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${at}: an object in the docs, ${JSON.stringify(actual)} in the output`];
    return Object.entries(excerpt).flatMap(([k, v]) =>
      notPartOf(v, (actual as Record<string, unknown>)[k], `${at}.${k}`),
    );
  }
  return excerpt === actual
    ? []
    : [`${at}: ${JSON.stringify(excerpt)} in the docs, ${JSON.stringify(actual)} in the output`];
}

/**
 * Runs a TypeScript example of the docs against this checkout's lib (it may import `cdk8s`, `cdk8s-plus-27` and
 * `cdk8s-delivery`) and returns the objects its `app.synth()` would write, every chart's in order.
 */
export function runDocsExample(source: string): any[] {
  let objects: any[] | undefined;
  class CapturingApp extends cdk8s.App {
    public synth(): void {
      objects = yaml.loadAll(this.synthYaml()) as any[];
    }
  }
  const modules: Record<string, unknown> = {
    cdk8s: { ...cdk8s, App: CapturingApp },
    'cdk8s-plus-27': kplus,
    'cdk8s-delivery': lib,
  };
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const requireExample = (name: string) => {
    if (!(name in modules)) throw new Error(`the example imports ${name}, which this test does not provide`);
    return modules[name];
  };
  new Function('require', 'exports', code)(requireExample, {});
  if (objects === undefined) throw new Error('the example never called app.synth()');
  return objects;
}

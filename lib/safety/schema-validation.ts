import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { groupKind, Manifest, objectRef } from './findings';

/** Which checker found a schema problem. */
export type SchemaSource =
  'kubernetes-models' | 'argo-rollouts' | 'prometheus-operator' | 'gateway-api' | 'kubernetes-1.27' | 'unknown-field';

/** One object that does not match its schema. */
export interface SchemaProblem {
  /** `Kind/namespace/name`, or `Kind/name` without a namespace. */
  readonly object: string;
  /** Construct path of the object, when validated from an app. */
  readonly path?: string;
  readonly source: SchemaSource;
  /** The field at fault and what is wrong, e.g. `/spec/replica: unknown field (did you mean "replicas"?)`. */
  readonly message: string;
}

/** Options of {@link validateSchemas}. */
export interface SchemaValidationOptions {
  /**
   * CRD manifests (YAML files) whose `openAPIV3Schema` is used to find unknown fields in custom
   * resources; the schema packages do not report them.
   * @default - the Argo Rollouts, prometheus-operator and Gateway API CRDs shipped in this package's `crds/`
   */
  readonly crdFiles?: readonly string[];
}

/**
 * Validates every object of a synthesized app (or a list of manifests) against:
 * - the newest Kubernetes schema (`kubernetes-models`), Argo Rollouts 1.9
 *   (`@kubernetes-models/argo-rollouts@2`), prometheus-operator (`@kubernetes-models/prometheus-operator@6`)
 *   and the Gateway API (`@kubernetes-models/gateway-api@2`);
 * - Kubernetes 1.27: the apiVersion and kind must exist there (`cdk8s-plus-27`'s types);
 * - unknown or misspelt fields (`replica: 3`, `imagePullPolicys`), which the schema packages accept:
 *   built-in kinds are walked against `@kubernetes/client-node`'s model metadata, custom resources
 *   against their CRD's `openAPIV3Schema`.
 *
 * The schema packages are optional peer dependencies; install them in the project that calls this:
 * `npm install --save-dev kubernetes-models@5 @kubernetes-models/argo-rollouts@2.0.0
 * @kubernetes-models/prometheus-operator@6 @kubernetes-models/gateway-api@2.0.0 @kubernetes/client-node@2`
 * (the Gateway API models only for apps with routes or Gateways).
 * They are ES modules, loaded with `import()`: this works in plain Node. Jest without
 * `--experimental-vm-modules` cannot `import()`; use {@link validateSchemasSync} there.
 */
export async function validateSchemas(
  input: IConstruct | readonly Manifest[],
  options: SchemaValidationOptions = {},
): Promise<SchemaProblem[]> {
  const items = toItems(input);
  const problems: SchemaProblem[] = [];
  const models = await loadClientNodeModels();
  let crds: Map<string, any> | undefined;
  const k127 = kubernetes127Kinds();
  for (const { manifest: m, path: constructPath } of items) {
    const report = (source: SchemaSource, message: string) =>
      problems.push({ object: objectRef(m), path: constructPath, source, message });
    const gk = groupKind(m);
    const [group, version] = splitApiVersion(m.apiVersion);
    const source: SchemaSource =
      group === 'argoproj.io'
        ? 'argo-rollouts'
        : group === 'monitoring.coreos.com'
          ? 'prometheus-operator'
          : group === GATEWAY_API_GROUP
            ? 'gateway-api'
            : 'kubernetes-models';
    const Model = await loadSchemaModel(source, group, version, m.kind);
    if (!Model) {
      report(source, `no schema for ${m.apiVersion} ${m.kind}`);
    } else {
      try {
        new Model(m).validate();
      } catch (e: any) {
        const details = e?.errors
          ? e.errors.map((x: any) => `${x.instancePath || '/'} ${x.message}`)
          : [String(e?.message ?? e)];
        for (const d of details) report(source, d);
      }
    }
    let unknown: string[];
    if (isBuiltInGroup(group)) {
      if (k127 && !k127.has(`${m.apiVersion} ${m.kind}`))
        report('kubernetes-1.27', `${m.apiVersion} ${m.kind} is not served by Kubernetes 1.27`);
      // A version the client models lack (an old alpha) is walked against another version of the kind.
      const modelName =
        clientNodeModelName(models, group, version, m.kind) ?? anyVersionModelName(models, group, m.kind);
      unknown = modelName ? unknownFieldsByModel(models, m, modelName, '') : unknownMetadata(models, m);
    } else {
      // Parsing CRD files takes a while; only apps with custom resources pay for it.
      crds ??= crdSchemas(options.crdFiles ?? defaultCrdFiles());
      const schema = crds.get(`${gk}/${version}`);
      // CRD schemas leave metadata open, so it is walked as ObjectMeta, whatever the kind.
      unknown = [...unknownMetadata(models, m), ...(schema ? unknownFieldsBySchema(m, schema, '') : [])];
    }
    for (const u of unknown) report('unknown-field', u);
  }
  return problems;
}

/**
 * {@link validateSchemas} in a child Node process, for callers that cannot `import()` ES modules
 * (Jest without `--experimental-vm-modules`). Blocks until the child is done; batch objects into one call.
 */
export function validateSchemasSync(
  input: IConstruct | readonly Manifest[],
  options: SchemaValidationOptions = {},
): SchemaProblem[] {
  const items = toItems(input);
  // Run from TypeScript sources (our own tests) through ts-node; from the compiled package, directly.
  const register = __filename.endsWith('.ts') ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
  const script = `const m = require(${JSON.stringify(__filename)});
    const { items, options } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    m.validateSchemas(items.map(i => i.manifest), options)
      .then(p => process.stdout.write(JSON.stringify(p)))
      .catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const out = execFileSync(process.execPath, [...register, '-e', script], {
    input: JSON.stringify({ items, options }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  // The child sees bare manifests; put the construct paths back by position.
  const byObject = new Map(items.map(i => [objectRef(i.manifest), i.path]));
  return (JSON.parse(out) as SchemaProblem[]).map(p => ({ ...p, path: byObject.get(p.object) }));
}

interface Item {
  readonly manifest: Manifest;
  readonly path?: string;
}

function toItems(input: IConstruct | readonly Manifest[]): Item[] {
  if (Array.isArray(input)) return (input as Manifest[]).map(manifest => ({ manifest }));
  return (input as IConstruct).node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map(o => ({ manifest: o.toJson(), path: o.node.path }));
}

function splitApiVersion(apiVersion: unknown): [string, string] {
  const s = String(apiVersion ?? '');
  return s.includes('/') ? [s.split('/')[0], s.split('/')[1]] : ['', s];
}

/** The Gateway API's group ends in `.k8s.io` but is served by CRDs, not by Kubernetes itself. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

function isBuiltInGroup(group: string): boolean {
  return group !== GATEWAY_API_GROUP && (group === '' || !group.includes('.') || group.endsWith('.k8s.io'));
}

// `import()` that TypeScript's CommonJS output keeps as a real dynamic import.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

const PACKAGES: Record<Exclude<SchemaSource, 'kubernetes-1.27' | 'unknown-field'>, string> = {
  'kubernetes-models': 'kubernetes-models@5',
  'argo-rollouts': '@kubernetes-models/argo-rollouts@2.0.0',
  'prometheus-operator': '@kubernetes-models/prometheus-operator@6',
  'gateway-api': '@kubernetes-models/gateway-api@2.0.0',
};

async function loadSchemaModel(
  source: keyof typeof PACKAGES,
  group: string,
  version: string,
  kind: string,
): Promise<any> {
  const spec =
    source === 'argo-rollouts'
      ? `@kubernetes-models/argo-rollouts/argoproj.io/${version}/${kind}`
      : source === 'prometheus-operator'
        ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`
        : source === 'gateway-api'
          ? `@kubernetes-models/gateway-api/${GATEWAY_API_GROUP}/${version}/${kind}`
          : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  try {
    return (await importModule(spec))[kind];
  } catch (e: any) {
    const root = PACKAGES[source].replace(/@[^@/]+$/, '');
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && !isInstalled(root)) {
      throw new Error(
        `${root} is not installed; validateSchemas needs it for ${group || 'core'}/${version} ${kind}: npm install --save-dev ${PACKAGES[source]}`,
      );
    }
    return undefined;
  }
}

/** Whether a package folder of that name is on the resolution path (a missing kind is another error). */
function isInstalled(packageName: string): boolean {
  return (require.resolve.paths(packageName) ?? []).some(dir =>
    fs.existsSync(path.join(dir, packageName, 'package.json')),
  );
}

type ClientNodeModels = Record<string, { attributeTypeMap?: Array<{ baseName: string; type: string }> }>;

async function loadClientNodeModels(): Promise<ClientNodeModels> {
  try {
    return await importModule('@kubernetes/client-node/dist/gen/models/all.js');
  } catch {
    throw new Error(
      '@kubernetes/client-node is not installed; validateSchemas reads its model metadata to find unknown fields: npm install --save-dev @kubernetes/client-node@2',
    );
  }
}

function clientNodeModelName(
  models: ClientNodeModels,
  group: string,
  version: string,
  kind: string,
): string | undefined {
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  const prefix = (group === '' ? 'core' : group.split('.')[0]).replace(/^./, c => c.toUpperCase());
  return [`${prefix}${v}${kind}`, `${v}${kind}`].find(n => models[n]?.attributeTypeMap);
}

/** The object's `metadata`, walked as ObjectMeta: every kind has one, including kinds without a schema here. */
function unknownMetadata(models: ClientNodeModels, m: Manifest): string[] {
  return m && typeof m === 'object' ? unknownFieldsByModel(models, m.metadata, 'V1ObjectMeta', '/metadata') : [];
}

/** A client model of the kind in any version of its group, newest first (`V2…` before `V1…`, GA before beta). */
function anyVersionModelName(models: ClientNodeModels, group: string, kind: string): string | undefined {
  const prefix = (group === '' ? 'core' : group.split('.')[0]).replace(/^./, c => c.toUpperCase());
  const rank = (n: string) => {
    const [, major, stage, minor] = /V(\d+)(alpha|beta)?(\d*)/.exec(n) ?? [];
    return Number(major) * 1000 + (stage === undefined ? 900 : stage === 'beta' ? 500 : 0) + Number(minor || 0);
  };
  return Object.keys(models)
    .filter(
      n =>
        models[n]?.attributeTypeMap &&
        new RegExp(`^(${prefix})?V\\d+((alpha|beta)\\d+)?${String(kind).replace(/[^A-Za-z0-9]/g, '\\$&')}$`).test(n),
    )
    .sort((a, b) => rank(b) - rank(a))[0];
}

function unknownFieldsByModel(models: ClientNodeModels, value: unknown, type: string, at: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value) ? value.flatMap((v, i) => unknownFieldsByModel(models, v, array[1], `${at}/${i}`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map)
    return typeof value === 'object'
      ? Object.entries(value as object).flatMap(([k, v]) => unknownFieldsByModel(models, v, map[1], `${at}/${k}`))
      : [];
  const attrs = models[type]?.attributeTypeMap;
  if (!attrs || typeof value !== 'object' || Array.isArray(value)) return [];
  const names = attrs.map(a => a.baseName);
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const attr = attrs.find(a => a.baseName === k);
    return attr ? unknownFieldsByModel(models, v, attr.type, `${at}/${k}`) : [unknownField(`${at}/${k}`, k, names)];
  });
}

function unknownFieldsBySchema(value: unknown, schema: any, at: string): string[] {
  if (value === null || value === undefined || !schema || schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value))
    return schema.items ? value.flatMap((v, i) => unknownFieldsBySchema(v, schema.items, `${at}/${i}`)) : [];
  if (typeof value !== 'object') return [];
  const props = schema.properties;
  const extra = schema.additionalProperties;
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    if (at === '' && k === 'metadata') return [];
    if (props?.[k]) return unknownFieldsBySchema(v, props[k], `${at}/${k}`);
    if (extra) return typeof extra === 'object' ? unknownFieldsBySchema(v, extra, `${at}/${k}`) : [];
    if (!props) return [];
    // apiVersion and kind are not always spelled out in CRD schemas; metadata is walked as ObjectMeta.
    if (at === '' && ['apiVersion', 'kind', 'metadata'].includes(k)) return [];
    return [unknownField(`${at}/${k}`, k, Object.keys(props))];
  });
}

function unknownField(at: string, key: string, known: readonly string[]): string {
  const near = known
    .map(n => ({ n, d: editDistance(key.toLowerCase(), n.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  const hint = near && near.d <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean "${near.n}"?)` : '';
  return `${at}: unknown field${hint}; Kubernetes drops it silently on apply`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function defaultCrdFiles(): string[] {
  // lib/safety/ in the repository, build/lib/safety/ in the package: crds/ sits at the package root.
  for (const dir of [path.resolve(__dirname, '..', '..', 'crds'), path.resolve(__dirname, '..', '..', '..', 'crds')]) {
    const files = ['argoproj.io.yaml', 'monitoring.coreos.com.yaml'].map(f => path.join(dir, f));
    // The Gateway API CRDs joined the set later: a copy of crds/ without them still checks the others.
    const gateway = path.join(dir, 'gateway.networking.k8s.io.yaml');
    if (files.every(f => fs.existsSync(f))) return fs.existsSync(gateway) ? [...files, gateway] : files;
  }
  return [];
}

const crdCache = new Map<string, Map<string, any>>();

/** `group/Kind/version` -> openAPIV3Schema of every CRD in the files. */
function crdSchemas(files: readonly string[]): Map<string, any> {
  const out = new Map<string, any>();
  for (const file of files) {
    let schemas = crdCache.get(file);
    if (!schemas) {
      schemas = new Map();
      for (const crd of parseYamlFile(file)) {
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec?.versions ?? []) {
          if (v?.schema?.openAPIV3Schema)
            schemas.set(`${crd.spec.group}/${crd.spec.names.kind}/${v.name}`, v.schema.openAPIV3Schema);
        }
      }
      crdCache.set(file, schemas);
    }
    for (const [k, v] of schemas) out.set(k, v);
  }
  return out;
}

/** js-yaml parses the large CRD files several times faster than cdk8s' YAML parser; use it when installed. */
function parseYamlFile(file: string): any[] {
  try {
    // Optional at run time, so loaded lazily: a missing module falls back to cdk8s' parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsYaml = require('js-yaml');
    return jsYaml.loadAll(fs.readFileSync(file, 'utf8'));
  } catch (e: any) {
    if (e?.code !== 'MODULE_NOT_FOUND') throw e;
    return Yaml.load(file);
  }
}

/**
 * `apiVersion kind` pairs Kubernetes 1.27 serves, from cdk8s-plus-27's generated types; undefined when it is not
 * installed.
 */
function kubernetes127Kinds(): Set<string> | undefined {
  let k8s: Record<string, any>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when present
    k8s = require('cdk8s-plus-27').k8s;
  } catch {
    return undefined;
  }
  return new Set(
    Object.values(k8s)
      .filter(c => c?.GVK)
      .map(c => `${c.GVK.apiVersion} ${c.GVK.kind}`),
  );
}

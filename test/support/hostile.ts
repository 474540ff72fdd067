import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { DeliveryError, Manifest, validateSchemasSync } from '../../lib';
import { isPlainObject } from '../../lib/core/props';

/**
 * A construct under attack: valid `props`, and how to build it. Every prop (and every field of
 * a nested plain object or array) is replaced in turn by hostile values, and unknown props are
 * added; the construct must then refuse with a DeliveryError or produce valid output.
 */
export interface HostileTarget {
  readonly construct: string;
  readonly props: Record<string, unknown>;
  /** Builds the construct (and whatever it needs) from `props` in `chart`. */
  readonly build: (chart: Chart, props: any) => void;
}

/** Values a JavaScript caller, a cast or an attacker may pass where a prop is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: acceptableOrNot() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, JSON.parse('{"__proto__": {"polluted": true}}'), circular()) },
);

/** Values that must always be refused: `null` (never a valid prop), a `__proto__` key, a circular value. */
function mustBeRefused(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  return (
    Object.prototype.hasOwnProperty.call(value, '__proto__') || Object.prototype.hasOwnProperty.call(value, 'self')
  );
}

function acceptableOrNot(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(
      '',
      ' ',
      'latest',
      'LATEST',
      'a:',
      ':1.0',
      'http://x:1.0',
      '../../etc',
      '/',
      '//',
      '/a/../b',
      'a b',
      'UPPER',
      '-a',
      'a-',
      '1',
      '-1',
      '__proto__',
      'constructor',
      '{{args.x}}',
      '"} or vector(1) #',
      '") or vector(1) or ("',
      'x\ny',
      'a'.repeat(64),
      'a'.repeat(300),
      'nats://u:p@h:4222',
      'http://user:pass@prometheus:9090',
      '*.example.com',
      'a.*.example.com',
      '10.0.0.1',
      '99999',
      '1e400',
      'NaN',
    ),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      NaN,
      Infinity,
      -Infinity,
      -0,
      0,
      -1,
      0.5,
      1.5,
      2 ** 31,
      2 ** 31 - 1,
      2 ** 53,
      Number.MAX_VALUE,
      65536,
      1e6,
    ),
    fc.constant(undefined),
    fc.boolean(),
    fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 5 }).filter(k => k !== '__proto__'),
      fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
      { maxKeys: 3 },
    ),
  );
}

function circular(): unknown {
  const a: Record<string, unknown> = { x: 1 };
  a.self = a;
  return a;
}

/** Every place in `props` a hostile value can go: each prop, each field of nested plain data. */
export function propPaths(
  props: Record<string, unknown>,
  prefix: readonly (string | number)[] = [],
): Array<readonly (string | number)[]> {
  const paths: Array<readonly (string | number)[]> = [];
  for (const [key, value] of Object.entries(props)) {
    const at = [...prefix, key];
    paths.push(at);
    if (isPlainObject(value)) paths.push(...propPaths(value, at));
    if (Array.isArray(value) && value.length > 0) {
      paths.push([...at, 0]);
      if (isPlainObject(value[0])) paths.push(...propPaths(value[0], [...at, 0]));
    }
  }
  return paths;
}

/** A copy of the plain data along `path` with `value` set at its end; class instances are shared, not copied. */
export function withValue(
  props: Record<string, unknown>,
  path: readonly (string | number)[],
  value: unknown,
): Record<string, unknown> {
  const copy = (v: unknown): any => (Array.isArray(v) ? [...v] : isPlainObject(v) ? { ...v } : v);
  const root = copy(props);
  let at = root;
  for (let i = 0; i < path.length - 1; i++) {
    at[path[i]] = copy(at[path[i]]);
    at = at[path[i]];
  }
  // defineProperty, so a '__proto__' key becomes an own key as JSON.parse would make it.
  Object.defineProperty(at, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return root;
}

/**
 * Keys no construct has as a prop: typos, prototype names, and random text ending in `-x`
 * (props are camelCase identifiers, so such a key can never be a real, merely unset, prop).
 */
const notAProp = fc.oneof(
  fc.constantFrom('replica', 'imagePullPolicys', 'Image', '__proto__', 'constructor'),
  fc.string({ minLength: 1, maxLength: 12 }).map(s => `${s}-x`),
);

/** One hostile change to a target's props: a value at a path, or an unknown key. */
export interface HostileChange {
  /** The prop path changed, for messages. */
  readonly where: string;
  readonly props: Record<string, unknown>;
  /** Unknown keys, `null`, circular values and `__proto__` keys are never accepted. */
  readonly mustRefuse: boolean;
}

export function hostileChange(target: HostileTarget): fc.Arbitrary<HostileChange> {
  const paths = propPaths(target.props);
  const replaced = fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, value]) => ({
    where: path.join('.'),
    props: withValue(target.props, path, value),
    mustRefuse: mustBeRefused(value),
  }));
  const containers = [[] as const, ...paths.filter(p => isPlainObject(get(target.props, p)))];
  const unknownKey = fc
    .tuple(fc.constantFrom(...containers), notAProp, hostileValue)
    .filter(([path, key]) => !(key in (get(target.props, path) as object)))
    .map(([path, key, value]) => ({
      where: [...path, key].join('.') + ' (unknown)',
      props: withValue(target.props, [...path, key], value),
      mustRefuse: true,
    }));
  return fc.oneof({ weight: 4, arbitrary: replaced }, { weight: 1, arbitrary: unknownKey });
}

function get(props: Record<string, unknown>, path: readonly (string | number)[]): unknown {
  return path.reduce<any>((v, k) => v?.[k], props);
}

/**
 * True for the failures the library promises: a DeliveryError, or cdk8s's validation error whose
 * every line names a construct path and a prop (`[path] 'prop' is value: ...`).
 */
export function isDeliveryFailure(e: unknown): boolean {
  if (e instanceof DeliveryError) return true;
  const message = e instanceof Error ? e.message : '';
  const [first, ...lines] = message.split('\n');
  return (
    first === 'Validation failed with the following errors:' &&
    lines.length > 0 &&
    lines.every(l => /^\s+\[[^\]]+\] '[^']+' is /.test(l))
  );
}

/** What an attack produced: how many changes were refused, and the output of every accepted one. */
export interface AttackResult {
  readonly refused: number;
  readonly accepted: ReadonlyArray<{ readonly where: string; readonly manifests: Manifest[] }>;
}

/**
 * Runs `numRuns` hostile changes against `target`. Each must be refused with a delivery failure
 * (anything else, a TypeError or a raw cdk8s error, fails the property) or synthesize; the caller
 * checks the accepted output (see {@link expectValidOutput}).
 */
export function attack(target: HostileTarget, numRuns = 150): AttackResult {
  let refused = 0;
  const accepted: Array<{ where: string; manifests: Manifest[] }> = [];
  fc.assert(
    fc.property(hostileChange(target), ({ where, props, mustRefuse }) => {
      let manifests: Manifest[];
      try {
        const app = Testing.app();
        target.build(new Chart(app, 'attack'), props);
        manifests = synthesized(app);
      } catch (e) {
        if (!isDeliveryFailure(e)) {
          throw new Error(
            `${target.construct} with a hostile ${where}: expected a DeliveryError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
          );
        }
        refused++;
        return;
      }
      if (mustRefuse)
        throw new Error(
          `${target.construct} accepted a hostile ${where}: ${JSON.stringify(get(props, where.replace(' (unknown)', '').split('.')))}; expected a DeliveryError`,
        );
      accepted.push({ where, manifests });
    }),
    { numRuns },
  );
  return { refused, accepted };
}

function synthesized(app: App): Manifest[] {
  // synthYaml runs every validation, as app.synth() does, without touching the disk.
  app.synthYaml();
  return app.charts.flatMap(ch => Testing.synth(ch));
}

/**
 * Asserts that every accepted output is schema-valid (one child process for all of them; each
 * sample goes to its own namespace so a problem names the hostile change that caused it).
 */
export function expectValidOutput(result: AttackResult): void {
  const manifests = result.accepted.flatMap(({ manifests: ms }, i) =>
    ms.map(m => ({ ...m, metadata: { ...m.metadata, namespace: `sample-${i}` } })),
  );
  const problems = validateSchemasSync(manifests).map(p => {
    const sample = Number(/sample-(\d+)/.exec(p.object)?.[1]);
    return `${p.object} after a hostile ${result.accepted[sample]?.where}: ${p.message}`;
  });
  expect(problems).toEqual([]);
}

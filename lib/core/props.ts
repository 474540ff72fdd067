import { IConstruct } from 'constructs';
import { ensureAppChecks } from '../safety/app-checks';
import { invalidProp } from './errors';

/**
 * The runtime shape of one prop, for JavaScript callers and casts that TypeScript cannot stop:
 * - a type name: `'string'`, `'number'`, `'boolean'`, `'object'` (a plain object), `'array'`,
 *   `'map'` (a plain object used as a dictionary), `'construct'`, `'function'`, `'any'`;
 *   several joined by `|`; a trailing `!` makes the prop required;
 * - a class (a value class such as `Probe` or `Duration`): the value must be an instance;
 * - a nested {@link PropShape}: the value must be a plain object of that shape.
 */
// A class is named by its constructor; value classes have private constructors, so `Function`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type PropType = string | Function | PropShape;

/** Every prop a props object may hold, by name. */
export interface PropShape {
  readonly [prop: string]: PropType;
}

/**
 * Checks a props object against `shape` before anything reads it: not an object, an unknown
 * prop (with a "did you mean" suggestion), a missing or `null` required prop, a value of the
 * wrong type, a circular value and a `__proto__` or `constructor` key all throw a
 * {@link DeliveryError} naming the prop. `prefix` is prepended to prop names (`resources.`).
 */
export function checkProps(scope: IConstruct, props: unknown, shape: PropShape, prefix = ''): void {
  if (!prefix) ensureAppChecks(scope);
  const propsName = prefix ? prefix.slice(0, -1) : 'props';
  if (!isPlainObject(props)) invalidProp(scope, propsName, props, 'must be an object of props');
  checkPlainData(scope, propsName, props);
  const known = Object.keys(shape);
  for (const key of Object.keys(props)) {
    if (!(key in shape)) {
      const near = closest(key, known);
      const hint = near ? `did you mean '${prefix}${near}'?` : `known props: ${known.map(k => `'${k}'`).join(', ')}`;
      invalidProp(scope, prefix + key, props[key], `is not a prop of ${scope.constructor.name}: ${hint}`);
    }
  }
  for (const [key, type] of Object.entries(shape)) {
    checkPropValue(scope, prefix + key, props[key], type);
  }
}

function checkPropValue(scope: IConstruct, prop: string, value: unknown, type: PropType): void {
  if (typeof type === 'string') {
    const isRequired = type.endsWith('!');
    const names = (isRequired ? type.slice(0, -1) : type).split('|');
    if (value === undefined || value === null) {
      if (isRequired) invalidProp(scope, prop, value, `is required: give ${article(names)}`);
      if (value === null) invalidProp(scope, prop, value, `must be ${article(names)} or left out`);
      return;
    }
    if (!names.some(name => hasType(value, name))) {
      invalidProp(scope, prop, value, `must be ${article(names)}${isRequired ? '' : ' or left out'}`);
    }
    return;
  }
  if (typeof type === 'function') {
    if (value === undefined) return;
    if (!(value instanceof type))
      invalidProp(scope, prop, value, `must be a ${type.name} (use its static factories) or left out`);
    return;
  }
  if (value === undefined || value === null) {
    if (value === null) invalidProp(scope, prop, value, 'must be an object or left out');
    return;
  }
  checkProps(scope, value, type, `${prop}.`);
}

function hasType(value: unknown, name: string): boolean {
  switch (name) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'function':
      return typeof value === 'function';
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'map':
      return isPlainObject(value);
    case 'construct':
      return typeof value === 'object' && value !== null && 'node' in value;
    case 'any':
      return true;
    default:
      throw new Error(`unknown prop type '${name}'`);
  }
}

function article(names: readonly string[]): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    function: 'a function',
    array: 'an array',
    object: 'an object',
    map: 'an object of names to values',
    construct: 'a construct',
    any: 'a value',
  };
  return names.map(n => words[n] ?? n).join(' or ');
}

/** True for `{...}` literals and `Object.create(null)`, not arrays, class instances or constructs. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Refuses circular plain data and `__proto__`/`constructor` keys in it (they would rewrite the
 * prototype of whatever the map is copied into). Class instances and constructs are not entered.
 */
export function checkPlainData(scope: IConstruct, prop: string, value: unknown): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown, at: string): void => {
    if (typeof v !== 'object' || v === null || !(Array.isArray(v) || isPlainObject(v))) return;
    if (seen.has(v)) invalidProp(scope, at, '[circular]', 'must not refer to itself: give plain data');
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${at}[${i}]`));
    } else {
      for (const key of Object.keys(v)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          invalidProp(scope, `${at}.${key}`, key, 'is a reserved JavaScript name and cannot be a key');
        }
        walk(v[key], `${at}.${key}`);
      }
    }
    seen.delete(v);
  };
  walk(value, prop);
}

/** The candidate nearest to `word` (case-insensitive, edit distance at most 2), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

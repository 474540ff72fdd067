import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Thrown for a bad prop. The message always names the construct path, the prop,
 * the value given and what would be valid, so it can be fixed without reading our code.
 */
export class DeliveryError extends Error {
  constructor(
    /** Construct path, e.g. `dummy-api/stable`. */
    public readonly path: string,
    /** The prop at fault, e.g. `replicas` or `resources.cpu.limit`. */
    public readonly prop: string,
    /** The value given. */
    public readonly value: unknown,
    /** What would be valid. */
    public readonly expected: string,
  ) {
    super(`${path}: '${prop}' is ${describeValue(value)}: ${expected}`);
    this.name = 'DeliveryError';
  }
}

/** Renders a bad value for an error message: strings quoted, objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean' || value === null || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol' || typeof value === 'function') return String(value).slice(0, 60);
  if (typeof value === 'object' && value !== null && 'node' in value)
    return `construct ${(value as IConstruct).node.path}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Throws a {@link DeliveryError} for `scope`. */
export function invalidProp(scope: IConstruct, prop: string, value: unknown, expected: string): never {
  throw new DeliveryError(scope.node.path, prop, value, expected);
}

/**
 * The message of {@link invalidProp} without the path, for `node.addValidation`:
 * cdk8s prefixes each validation message with `[construct path]`.
 */
export function problem(prop: string, value: unknown, expected: string): string {
  return `'${prop}' is ${describeValue(value)}: ${expected}`;
}

/** The largest value of a Kubernetes `int32` field. */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * Checks a whole number the way the API server checks an integer field: NaN, Infinity, -0,
 * fractions and non-numbers are refused, and so is anything outside `min..max`
 * (`max` defaults to the int32 bound most Kubernetes and Argo fields have).
 */
export function checkInt(
  scope: IConstruct,
  prop: string,
  value: unknown,
  min: number,
  max = INT32_MAX,
): asserts value is number {
  if (!isWholeNumber(value, min, max)) invalidProp(scope, prop, value, `must be a whole number from ${min} to ${max}`);
}

/** True for a whole number from `min` to `max`: never NaN, ±Infinity, -0, a fraction or a non-number. */
export function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0) && value >= min && value <= max;
}

/** A traffic weight or other percentage: a whole number from 0 to 100. */
export function checkPercent(scope: IConstruct, prop: string, value: unknown): asserts value is number {
  if (!isWholeNumber(value, 0, 100)) invalidProp(scope, prop, value, 'must be a whole percentage from 0 to 100');
}

/** {@link checkInt} from 1 (or 0 with `allowZero`) to the int32 maximum. */
export function checkPositiveInt(
  scope: IConstruct,
  prop: string,
  value: unknown,
  { allowZero = false } = {},
): asserts value is number {
  checkInt(scope, prop, value, allowZero ? 0 : 1);
}

/** Checks at run time a value TypeScript types as a union of string literals (JavaScript callers, casts). */
export function checkEnum<T extends string>(
  scope: IConstruct,
  prop: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalidProp(scope, prop, value, `must be one of ${allowed.map(a => JSON.stringify(a)).join(', ')}`);
  }
}

/** A TCP/UDP port number: 1 to 65535. */
export function checkPort(scope: IConstruct, prop: string, value: unknown): asserts value is number {
  checkInt(scope, prop, value, 1, 65535);
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** One of apimachinery's naming rules: a test and what is valid, shared by the constructs and the whole-app checks. */
export interface NameRule {
  readonly test: (value: unknown) => value is string;
  readonly expected: string;
}

const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The naming rules of Kubernetes object names, namespaces, labels and annotation keys. */
export const NAME_RULES = {
  dnsLabel: {
    test: (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && DNS1123_LABEL.test(v),
    expected:
      'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
  },
  dns1035Label: {
    test: (v: unknown): v is string =>
      typeof v === 'string' && v.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v),
    expected:
      'must be a DNS-1035 label: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters',
  },
  dnsSubdomain: {
    test: (v: unknown): v is string => typeof v === 'string' && v.length <= 253 && DNS1123_SUBDOMAIN.test(v),
    expected:
      'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit, at most 253 characters',
  },
  labelValue: {
    test: (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v),
    expected:
      'must be a label value: at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  },
  labelKey: {
    test: (v: unknown): v is string => {
      if (typeof v !== 'string') return false;
      const slash = v.lastIndexOf('/');
      const name = slash >= 0 ? v.slice(slash + 1) : v;
      const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
      return (
        name.length <= 63 &&
        LABEL_KEY_NAME.test(name) &&
        (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)))
      );
    },
    expected:
      'must be a label key: an optional DNS subdomain prefix and "/", then at most 63 characters of letters, digits, "-", "_" and "."',
  },
} satisfies Record<string, NameRule>;

function checkName(rule: NameRule, scope: IConstruct, prop: string, value: unknown): asserts value is string {
  if (!rule.test(value)) invalidProp(scope, prop, value, rule.expected);
}

/** Names of Services (and anything used as a DNS label): DNS-1123 label, at most 63 characters. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  checkName(NAME_RULES.dnsLabel, scope, prop, value);
}

/** Service names: a DNS-1035 label (a DNS-1123 label that starts with a letter). */
export function checkDns1035Label(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  checkName(NAME_RULES.dns1035Label, scope, prop, value);
}

/** Object names and host names: DNS-1123 subdomain, at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  checkName(NAME_RULES.dnsSubdomain, scope, prop, value);
}

/**
 * The `name` prop, or the construct id lower-cased (the default of the constructs that name one object after
 * themselves); a default that is no DNS-1123 subdomain asks for a name, as the id is no prop.
 */
export function nameOrId(scope: IConstruct, name: string | undefined, id: string): string {
  if (name !== undefined) {
    checkDnsSubdomain(scope, 'name', name);
    return name;
  }
  const lower = id.toLowerCase();
  if (lower.length > 253 || !DNS1123_SUBDOMAIN.test(lower)) {
    invalidProp(
      scope,
      'name',
      undefined,
      `must be given: the default, the construct id lower-cased ("${lower}"), is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)`,
    );
  }
  return lower;
}

export function checkLabelValue(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  checkName(NAME_RULES.labelValue, scope, prop, value);
}

export function checkLabelKey(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  checkName(NAME_RULES.labelKey, scope, prop, value);
}

/** IANA service names, used for named container and Service ports. */
export function checkPortName(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  if (
    typeof value !== 'string' ||
    value.length > 15 ||
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) ||
    !/[a-z]/.test(value) ||
    value.includes('--')
  ) {
    invalidProp(
      scope,
      prop,
      value,
      'must be an IANA service name: at most 15 lower-case letters, digits and single "-", with at least one letter',
    );
  }
}

/**
 * A duration as whole seconds (Kubernetes and Argo fields take seconds, as int32); throws when
 * it is not a Duration, not whole, below the minimum or above `maximumSeconds`.
 */
export function wholeSeconds(
  scope: IConstruct,
  prop: string,
  value: Duration,
  minimumSeconds?: number,
  maximumSeconds?: number,
): number;
export function wholeSeconds(
  scope: IConstruct,
  prop: string,
  value: Duration | undefined,
  minimumSeconds?: number,
  maximumSeconds?: number,
): number | undefined;
export function wholeSeconds(
  scope: IConstruct,
  prop: string,
  value: Duration | undefined,
  minimumSeconds = 0,
  maximumSeconds = INT32_MAX,
): number | undefined {
  if (value === undefined) return undefined;
  const millis = checkDuration(scope, prop, value);
  const seconds = millis / 1000;
  if (!Number.isInteger(seconds) || seconds < minimumSeconds || seconds > maximumSeconds) {
    invalidProp(
      scope,
      prop,
      `${millis}ms`,
      `must be a whole number of seconds from ${minimumSeconds} to ${maximumSeconds}`,
    );
  }
  return seconds;
}

/** The longest duration Go's `time.Duration` (Argo, NATS) can hold: 2562047h47m16.854775807s. */
export const GO_DURATION_MAX_MS = 9_223_372_036_854;

/** Checks that `value` is a cdk8s Duration with a finite, non-negative length; returns its milliseconds. */
export function checkDuration(scope: IConstruct, prop: string, value: unknown, maxMillis = GO_DURATION_MAX_MS): number {
  if (!(value instanceof Duration)) invalidProp(scope, prop, value, 'must be a Duration, e.g. Duration.seconds(30)');
  const millis = value.toMilliseconds();
  if (!Number.isFinite(millis) || millis < 0 || millis > maxMillis) {
    invalidProp(
      scope,
      prop,
      `${millis}ms`,
      `must be a Duration from 0 to ${maxMillis}ms (${Math.floor(maxMillis / 3_600_000)}h)`,
    );
  }
  return millis;
}

/** The name of an environment variable, as the API server checks it (`IsEnvVarName`). */
export function checkEnvName(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    invalidProp(
      scope,
      prop,
      value,
      'must be an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)',
    );
  }
}

/**
 * An array of strings (`command`, `args`, an exec probe's command). A single string is refused,
 * never split into characters. `nonEmpty` refuses `[]`.
 */
export function checkStringArray(
  scope: IConstruct,
  prop: string,
  value: unknown,
  { nonEmpty = false } = {},
): asserts value is string[] {
  if (!Array.isArray(value))
    invalidProp(
      scope,
      prop,
      value,
      `must be an array of strings, e.g. ["--port", "8080"]${typeof value === 'string' ? ' (a single string is not split into words)' : ''}`,
    );
  if (nonEmpty && value.length === 0) invalidProp(scope, prop, value, 'must hold at least one string');
  value.forEach((item, i) => {
    if (typeof item !== 'string') invalidProp(scope, `${prop}[${i}]`, item, 'must be a string');
  });
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A host name as an Ingress rule takes it: a DNS-1123 subdomain of at most 253 characters, not an
 * IP address, and (with `wildcard`) a `*` only as the whole leftmost label (`*.example.com`).
 */
export function checkHostName(
  scope: IConstruct,
  prop: string,
  value: unknown,
  { wildcard = false } = {},
): asserts value is string {
  if (typeof value === 'string' && (IPV4.test(value) || value.includes(':'))) {
    invalidProp(scope, prop, value, 'must be a DNS host name, not an IP address');
  }
  const name = wildcard && typeof value === 'string' && value.startsWith('*.') ? value.slice(2) : value;
  if (typeof value !== 'string' || value.length > 253 || typeof name !== 'string' || !DNS1123_SUBDOMAIN.test(name)) {
    invalidProp(
      scope,
      prop,
      value,
      `must be a DNS host name: lower-case letters, digits, "-" and ".", each label starting and ending with a letter or digit, at most 253 characters${wildcard ? '; "*" only as the whole leftmost label, e.g. "*.example.com"' : ''}`,
    );
  }
}

/** A URL path as an Ingress takes it: absolute, no `//`, `/./` or `/../` segments, no whitespace. */
export function checkUrlPath(scope: IConstruct, prop: string, value: unknown): asserts value is string {
  const expected =
    'must be an absolute URL path: start with "/", hold no "//", "/./" or "/../" segments, not end in "/." or "/..", no whitespace, "?", "#" or characters a URL path cannot hold';
  if (typeof value !== 'string' || !value.startsWith('/')) invalidProp(scope, prop, value, expected);
  const dotSegments =
    ['//', '/./', '/../', '%2f', '%2F'].some(seq => value.includes(seq)) ||
    value.endsWith('/.') ||
    value.endsWith('/..');
  // RFC 3986 path characters: unreserved, sub-delims, ":", "@", "/" and percent-encodings.
  if (dotSegments || !/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/.test(value))
    invalidProp(scope, prop, value, expected);
}

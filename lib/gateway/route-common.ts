import { Chart, Duration } from 'cdk8s';
import type { Service as KplusService } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { checkDnsSubdomain, checkDuration, checkInt, invalidProp } from '../core/errors';
import { PropShape } from '../core/props';
import { VersionedService } from '../workloads/versioned-service';

/** The Gateway API group; routes and gateways are `gateway.networking.k8s.io/v1`. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** A Service a route sends traffic to: a {@link VersionedService} or a cdk8s-plus `Service`. */
export type BackendService = VersionedService | KplusService;

/** One backend of a route rule. */
export interface RouteBackend {
  /** The Service traffic goes to. */
  readonly service: BackendService;
  /**
   * Service port number (Gateway API refers to Service ports by number only).
   * @default - the Service's port, when it has exactly one
   */
  readonly port?: number;
  /**
   * Share of the rule's traffic, proportional to the other backends' weights: 0 to 1000000.
   * @default 1
   */
  readonly weight?: number;
}

/** A backend Service as the routes see it. */
export interface ResolvedService {
  readonly construct: IConstruct;
  readonly name: string;
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly port: number }>;
  /** The namespace its manifest is written to, when one is set. */
  readonly namespace?: string;
}

/** True for a cdk8s-plus Service (checked by shape: the library does not load cdk8s-plus at run time). */
function isKplusService(value: unknown): value is KplusService {
  if (typeof value !== 'object' || value === null || !('node' in value)) return false;
  const v = value as { apiObject?: { kind?: unknown }; ports?: unknown; name?: unknown };
  return v.apiObject?.kind === 'Service' && Array.isArray(v.ports) && typeof v.name === 'string';
}

/** The namespace a construct's manifests are written to: its own, or its chart's. */
export function namespaceOf(scope: IConstruct, own?: string): string | undefined {
  return own ?? Chart.of(scope).namespace;
}

/** Reads a backend Service, refusing anything else. */
export function resolveService(scope: IConstruct, prop: string, service: unknown): ResolvedService {
  if (service instanceof VersionedService) {
    return {
      construct: service,
      name: service.name,
      ports: [{ name: service.servicePort.name, port: service.servicePort.port }],
      namespace: namespaceOf(service),
    };
  }
  if (isKplusService(service)) {
    return {
      construct: service,
      name: service.name,
      ports: service.ports.map(p => ({ name: p.name, port: p.port })),
      namespace: namespaceOf(service, service.metadata.namespace),
    };
  }
  return invalidProp(scope, prop, service, 'must be a VersionedService or a cdk8s-plus Service construct');
}

/** A backend checked against its Service: the port exists, the weight is in range. */
export interface ResolvedBackend {
  readonly service: ResolvedService;
  readonly port: number;
  readonly weight?: number;
}

/** @internal The runtime shape of {@link RouteBackend}, for `checkProps`. */
export const ROUTE_BACKEND_SHAPE: PropShape = { service: 'construct!', port: 'number', weight: 'number' };

/** Checks one backend: the Service, a port it has, and a weight of 0..1000000. */
export function resolveBackend(scope: IConstruct, prop: string, backend: RouteBackend): ResolvedBackend {
  const service = resolveService(scope, `${prop}.service`, backend.service);
  const ports = service.ports.map(p => `${p.name ?? '(unnamed)'}/${p.port}`).join(', ') || 'no ports';
  let port = backend.port;
  if (port === undefined) {
    if (service.ports.length !== 1)
      invalidProp(scope, `${prop}.port`, undefined, `must be given: Service "${service.name}" has ${ports}`);
    port = service.ports[0].port;
  }
  checkInt(scope, `${prop}.port`, port, 1, 65535);
  if (!service.ports.some(p => p.port === port)) {
    invalidProp(scope, `${prop}.port`, port, `must be a port of Service "${service.name}" (it has ${ports})`);
  }
  if (backend.weight !== undefined) checkInt(scope, `${prop}.weight`, backend.weight, 0, 1_000_000);
  return { service, port, weight: backend.weight };
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** An HTTP header or query parameter name as Gateway API takes it: an RFC 7230 token of at most 256 characters. */
export function checkHttpToken(scope: IConstruct, prop: string, value: unknown, what = 'an HTTP header name'): void {
  if (typeof value !== 'string' || value.length > 256 || !TOKEN.test(value)) {
    invalidProp(
      scope,
      prop,
      value,
      `must be ${what}: 1 to 256 letters, digits and !#$%&'*+-.^_\`|~ (no spaces or ":")`,
    );
  }
}

/** A header or query parameter value: 1 to 4096 characters, no line breaks or other control characters. */
export function checkHttpValue(scope: IConstruct, prop: string, value: unknown): void {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || /[\x00-\x1f\x7f]/.test(value)) {
    invalidProp(scope, prop, value, 'must be 1 to 4096 characters without line breaks or control characters');
  }
}

/** Checks a name-to-value map of headers (or query parameters): at most `max` entries, tokens and values. */
export function checkHttpMap(
  scope: IConstruct,
  prop: string,
  map: Readonly<Record<string, string>>,
  max: number,
  what = 'an HTTP header name',
): Array<{ name: string; value: string }> {
  const entries = Object.entries(map);
  if (entries.length > max) invalidProp(scope, prop, entries.length, `must hold at most ${max} entries`);
  const seen = new Set<string>();
  return entries.map(([name, value]) => {
    checkHttpToken(scope, `${prop}.${name}`, name, what);
    checkHttpValue(scope, `${prop}.${name}`, value);
    // Header names match case-insensitively: a second spelling would be ignored by the gateway.
    if (what.includes('header') && seen.has(name.toLowerCase()))
      invalidProp(scope, `${prop}.${name}`, value, 'repeats a header name in another case; header names ignore case');
    seen.add(name.toLowerCase());
    return { name, value };
  });
}

/**
 * A Gateway API duration (GEP-2257): up to four parts of at most 5 digits each in `h`, `m`, `s`
 * and `ms`, e.g. `1h30m`, `10s`, `500ms`. Whole milliseconds only.
 */
export function gatewayDuration(scope: IConstruct, prop: string, value: Duration): string {
  const millis = checkDuration(scope, prop, value, 99_999 * 3_600_000);
  if (!Number.isInteger(millis)) invalidProp(scope, prop, `${millis}ms`, 'must be a whole number of milliseconds');
  if (millis === 0) return '0s';
  const parts: Array<[number, string]> = [
    [Math.floor(millis / 3_600_000), 'h'],
    [Math.floor((millis % 3_600_000) / 60_000), 'm'],
    [Math.floor((millis % 60_000) / 1000), 's'],
    [millis % 1000, 'ms'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** Timeouts of one HTTP route rule. */
export interface RouteTimeouts {
  /**
   * How long the gateway may take to answer a request, retries included.
   * @default - the implementation's
   */
  readonly request?: Duration;
  /**
   * How long one request from the gateway to a backend may take; at most `request`.
   * @default - the implementation's
   */
  readonly backendRequest?: Duration;
}

/**
 * The limits the Gateway API CRDs set on a route's rules, checked before a rule is added: at most 16 rules, unique
 * rule names, at most 64 matches in a rule and 128 in the route (a rule without matches counts as one).
 * `existing` are the rules added so far, each with its name and match count.
 */
export function checkRuleLimits(
  scope: IConstruct,
  prop: string,
  existing: ReadonlyArray<{ readonly name?: string; readonly matchCount: number }>,
  rule: { readonly name?: string; readonly matches?: readonly unknown[] },
): void {
  if (existing.length >= 16) invalidProp(scope, 'rules', existing.length + 1, 'must hold at most 16 rules');
  if (rule.name !== undefined) {
    checkDnsSubdomain(scope, `${prop}.name`, rule.name);
    if (existing.some(r => r.name === rule.name))
      invalidProp(scope, `${prop}.name`, rule.name, 'is already the name of another rule; rule names are unique');
  }
  const matches = rule.matches ?? [];
  if (matches.length > 64) invalidProp(scope, `${prop}.matches`, matches.length, 'must hold at most 64 matches');
  const total = existing.reduce((n, r) => n + Math.max(r.matchCount, 1), 0) + Math.max(matches.length, 1);
  if (total > 128)
    invalidProp(
      scope,
      `${prop}.matches`,
      matches.length,
      `brings the route to ${total} matches; a route holds at most 128`,
    );
}

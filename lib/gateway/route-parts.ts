import { Construct, IConstruct } from 'constructs';
import { checkHostName, checkStringArray, invalidProp } from '../core/errors';
import { Gateway } from './gateway';
import { GatewayRef, ParentRef } from './gateway-ref';
import { ReferenceGrant, RouteKind } from './reference-grant';
import { ResolvedBackend, resolveBackend, RouteBackend, ROUTE_BACKEND_SHAPE } from './route-common';
import { checkProps } from '../core/props';

/** The parents of a route: Gateway constructs or {@link GatewayRef}s, 1 to 32. */
export function renderParents(
  scope: IConstruct,
  parents: readonly (Gateway | GatewayRef)[],
  routeNamespace: string | undefined,
): ParentRef[] {
  if (parents.length === 0 || parents.length > 32)
    invalidProp(
      scope,
      'parents',
      parents.length,
      'must name 1 to 32 Gateways (GatewayRef.named or a Gateway construct)',
    );
  const rendered = parents.map((p, i) => {
    const ref = p instanceof Gateway ? GatewayRef.of(p) : p;
    if (!(ref instanceof GatewayRef))
      invalidProp(
        scope,
        `parents[${i}]`,
        p,
        'must be a Gateway construct or GatewayRef.named(...) / GatewayRef.of(...)',
      );
    return ref._render(scope, `parents[${i}]`, routeNamespace);
  });
  rendered.forEach((r, i) => {
    const first = rendered.findIndex(o => JSON.stringify(o) === JSON.stringify(r));
    if (first < i) invalidProp(scope, `parents[${i}]`, r, `repeats parents[${first}]`);
  });
  return rendered;
}

/** Host names of a route: at most 16 DNS names, a `*` only as the whole leftmost label, no repeats. */
export function checkHostnames(scope: IConstruct, hostnames: readonly string[]): string[] {
  checkStringArray(scope, 'hostnames', hostnames);
  if (hostnames.length > 16) invalidProp(scope, 'hostnames', hostnames.length, 'must hold at most 16 host names');
  hostnames.forEach((h, i) => {
    checkHostName(scope, `hostnames[${i}]`, h, { wildcard: true });
    const first = hostnames.indexOf(h);
    if (first < i) invalidProp(scope, `hostnames[${i}]`, h, `repeats hostnames[${first}]`);
  });
  return [...hostnames];
}

/** The rendered backendRef, and for a Service in another namespace, the ReferenceGrant that allows it. */
export class RouteBackends {
  private readonly grants = new Map<string, ReferenceGrant>();

  constructor(
    private readonly route: Construct,
    private readonly kind: RouteKind,
    private readonly routeName: string,
    private readonly routeNamespace: string | undefined,
  ) {}

  /** Checks the backends of one rule (1 to 16, one non-zero weight) and renders them. */
  public render(prop: string, backends: readonly RouteBackend[]): { resolved: ResolvedBackend[]; refs: object[] } {
    if (!Array.isArray(backends)) invalidProp(this.route, prop, backends, 'must be an array of backends');
    if (backends.length > 16) invalidProp(this.route, prop, backends.length, 'must hold at most 16 backends');
    const resolved = backends.map((b, i) => {
      checkProps(this.route, b, ROUTE_BACKEND_SHAPE, `${prop}[${i}].`);
      return resolveBackend(this.route, `${prop}[${i}]`, b);
    });
    resolved.forEach((b, i) => {
      const first = resolved.findIndex(o => o.service.construct === b.service.construct && o.port === b.port);
      if (first < i)
        invalidProp(this.route, `${prop}[${i}]`, `${b.service.name}:${b.port}`, `repeats ${prop}[${first}]`);
    });
    if (backends.length && resolved.every(b => b.weight === 0)) {
      invalidProp(
        this.route,
        `${prop}[*].weight`,
        resolved.map(b => b.weight),
        'must give at least one backend a weight above 0: with every weight 0 the gateway answers every request with an error',
      );
    }
    const refs = resolved.map((b, i) => {
      const ns = this.crossNamespace(`${prop}[${i}].service`, b);
      return { name: b.service.name, namespace: ns, port: b.port, weight: b.weight };
    });
    return { resolved, refs };
  }

  /** The backend's namespace when it is not the route's (with a grant made for it), else undefined. */
  private crossNamespace(prop: string, b: ResolvedBackend): string | undefined {
    const ns = b.service.namespace;
    if (ns === undefined || ns === this.routeNamespace) return undefined;
    if (this.routeNamespace === undefined) {
      invalidProp(
        this.route,
        prop,
        b.service.construct,
        `is in namespace "${ns}": set the route's namespace (on its Chart) so the ReferenceGrant made for it can name the namespace it trusts`,
      );
    }
    let grant = this.grants.get(ns);
    if (!grant) {
      grant = new ReferenceGrant(this.route, `grant-${ns}`, {
        name: `${this.routeName}-from-${this.routeNamespace}`,
        namespace: ns,
        from: [{ kind: this.kind, namespace: this.routeNamespace }],
        services: [b.service.construct as never],
      });
      this.grants.set(ns, grant);
    } else {
      grant._allowService(b.service.construct as never);
    }
    return ns;
  }
}

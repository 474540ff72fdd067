import { groupKind, Manifest, namespaceOf, objectRef, RawFinding } from './findings';

/**
 * The Gateway API wiring rules (route-missing-service, route-missing-port, route-duplicate-match):
 * the backends of HTTPRoutes and GRPCRoutes name Services and ports the app defines, and no two
 * HTTPRoutes on one parent claim the same host name and match. As with Ingresses, a backend is
 * checked only where the app defines Services in its namespace.
 */
export function gatewayFindings(manifests: readonly Manifest[], defaultNamespace?: string): RawFinding[] {
  const findings: RawFinding[] = [];
  const ns = (m: Manifest) => namespaceOf(m, defaultNamespace);
  const services = new Map<string, Manifest>();
  const serviceNamespaces = new Set<string>();
  for (const m of manifests) {
    if (groupKind(m) !== '/Service') continue;
    services.set(`${ns(m)}|${m.metadata?.name}`, m);
    serviceNamespaces.add(ns(m));
  }
  const routes = manifests.filter(m => ROUTE_KINDS.has(groupKind(m)));
  for (const route of routes) checkBackends(route, ns(route), services, serviceNamespaces, findings);
  checkDuplicateMatches(
    routes.filter(r => groupKind(r) === 'gateway.networking.k8s.io/HTTPRoute'),
    ns,
    findings,
  );
  return findings;
}

const ROUTE_KINDS = new Set(['gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute']);

function checkBackends(
  route: Manifest,
  routeNs: string,
  services: Map<string, Manifest>,
  serviceNamespaces: Set<string>,
  findings: RawFinding[],
): void {
  const rules: any[] = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  rules.forEach((rule, i) => {
    const refs: any[] = Array.isArray(rule?.backendRefs) ? rule.backendRefs : [];
    refs.forEach((ref, j) => {
      // Other kinds (a custom backend) are the implementation's business.
      if (!ref?.name || (ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') return;
      const ns = ref.namespace ?? routeNs;
      if (!serviceNamespaces.has(ns)) return;
      const at = `spec.rules[${i}].backendRefs[${j}]`;
      const svc = services.get(`${ns}|${ref.name}`);
      if (!svc) {
        const names = [...services.keys()].filter(k => k.startsWith(`${ns}|`)).map(k => k.slice(ns.length + 1));
        findings.push({
          manifest: route,
          rule: 'route-missing-service',
          severity: 'error',
          location: `${at}.name`,
          value: ref.name,
          expected: `names no Service in namespace "${ns}" of this app (Services there: ${names.join(', ')})`,
        });
        return;
      }
      const ports: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
      if (!ports.some(p => p?.port === ref.port)) {
        findings.push({
          manifest: route,
          rule: 'route-missing-port',
          severity: 'error',
          location: `${at}.port`,
          value: ref.port,
          expected: `must be a port number of Service "${ref.name}" (it has ${ports.map(p => `${p.name ?? '(unnamed)'}/${p.port}`).join(', ') || 'no ports'})`,
        });
      }
    });
  });
}

/** Two HTTPRoutes on one parent claiming one host name and match: the gateway serves only one of them. */
function checkDuplicateMatches(routes: readonly Manifest[], ns: (m: Manifest) => string, findings: RawFinding[]): void {
  const seen = new Map<string, Manifest>();
  for (const route of routes) {
    const parents: any[] = Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : [];
    const hostnames: string[] =
      Array.isArray(route.spec?.hostnames) && route.spec.hostnames.length ? route.spec.hostnames : ['*'];
    const rules: any[] = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
    const own = new Set<string>();
    rules.forEach((rule, i) => {
      const matches: any[] = Array.isArray(rule?.matches) && rule.matches.length ? rule.matches : [{}];
      matches.forEach((match, j) => {
        const claim = matchKey(match);
        for (const parent of parents) {
          const parentKey = `${parent?.namespace ?? ns(route)}/${parent?.name}/${parent?.sectionName ?? ''}/${parent?.port ?? ''}`;
          for (const host of hostnames) {
            const k = `${parentKey}|${host}|${claim}`;
            const first = seen.get(k);
            if (first && first !== route && !own.has(k)) {
              own.add(k);
              findings.push({
                manifest: route,
                rule: 'route-duplicate-match',
                severity: 'error',
                location: rule?.matches?.length ? `spec.rules[${i}].matches[${j}]` : `spec.rules[${i}]`,
                value: `${host}${match?.path?.value ?? '/'}`,
                expected: `is already claimed by ${objectRef(first)} on the same parent (${parentKey.split('/').slice(0, 3).filter(Boolean).join('/')}); the gateway serves only one of them, so give each host name and path one route`,
              });
            } else if (!first) {
              seen.set(k, route);
            }
          }
        }
      });
    });
  }
}

/** A match as the gateway tells matches apart: path (PathPrefix `/` by default), method, headers, query. */
function matchKey(match: any): string {
  const list = (xs: any) =>
    (Array.isArray(xs) ? xs : [])
      .map((x: any) => `${x?.type ?? 'Exact'}:${String(x?.name).toLowerCase()}=${x?.value}`)
      .sort()
      .join('&');
  return [
    match?.path?.type ?? 'PathPrefix',
    match?.path?.value ?? '/',
    match?.method ?? '*',
    list(match?.headers),
    list(match?.queryParams),
  ].join(' ');
}

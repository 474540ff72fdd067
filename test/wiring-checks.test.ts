import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { DummyApiChart } from '../examples/dummy-api';
import {
  Autoscaler,
  checkWiring,
  Cpu,
  enableWiringChecks,
  FIXED_SIZE_ANNOTATION,
  Manifest,
  StableDeployment,
  synthesizeApp,
  warningsOf,
} from '../lib';
import { WiringChecks } from '../lib/safety/wiring-checks';

// Hand-written manifests, so each test shows exactly what is wrong.
function deployment(
  name: string,
  labels: Record<string, string>,
  extra: { ns?: string; replicas?: number; selector?: any; container?: any; annotations?: Record<string, string> } = {},
): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: extra.ns, annotations: extra.annotations },
    spec: {
      replicas: extra.replicas,
      selector: extra.selector ?? { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'main', image: 'web:1.0', ports: [{ name: 'http', containerPort: 8080 }], ...extra.container },
          ],
        },
      },
    },
  };
}
function service(
  name: string,
  selector: Record<string, string> | undefined,
  extra: { ns?: string; labels?: Record<string, string>; ports?: any[] } = {},
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: extra.ns, labels: extra.labels },
    spec: { selector, ports: extra.ports ?? [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}
function ingress(
  name: string,
  rules: Array<{ host: string; path?: string; service: string; port: any }>,
  extra: { className?: string; ns?: string; annotations?: Record<string, string> } = {},
): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: extra.ns, annotations: extra.annotations },
    spec: {
      ingressClassName: extra.className ?? 'nginx',
      rules: rules.map(r => ({
        host: r.host,
        http: {
          paths: [{ path: r.path ?? '/', pathType: 'Prefix', backend: { service: { name: r.service, port: r.port } } }],
        },
      })),
    },
  };
}
function hpa(name: string, target: string, spec: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 5,
      ...spec,
    },
  };
}
function serviceMonitor(
  name: string,
  selector: Record<string, string>,
  port: string,
  labels?: Record<string, string>,
): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name, labels },
    spec: { selector: { matchLabels: selector }, endpoints: [{ port, interval: '15s' }] },
  };
}
const WEB = { 'app.kubernetes.io/name': 'web' };
const cpuRequest = { resources: { requests: { cpu: '100m' } } };
const rules = (findings: ReturnType<typeof checkWiring>) => findings.map(f => `${f.rule} ${f.object}`);

describe('checkWiring on manifests', () => {
  it('passes a correctly wired app: Deployment, Service, Ingress, HPA, ServiceMonitor', () => {
    const findings = checkWiring([
      deployment('web', WEB, { container: cpuRequest }),
      service('web', WEB, { labels: WEB }),
      ingress('web', [{ host: 'web.example.com', service: 'web', port: { name: 'http' } }]),
      hpa('web', 'web', {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
      }),
      serviceMonitor('web', WEB, 'http'),
    ]);
    expect(findings).toEqual([]);
  });

  it('fails if a Service selector matches no pod template, naming the selector and the pod labels there', () => {
    const [f] = checkWiring([deployment('web', WEB), service('web', { 'app.kubernetes.io/name': 'wbe' })]);
    expect(f).toMatchObject({
      rule: 'service-selects-nothing',
      severity: 'error',
      object: 'Service/web',
      location: 'spec.selector',
    });
    expect(f.message).toMatch(
      /'spec\.selector' is \{"app\.kubernetes\.io\/name":"wbe"\}: matches no pod template .*Deployment\/web \{"app\.kubernetes\.io\/name":"web"\}/,
    );
  });

  it('fails if a Service selects pods of several apps, or of another app than its own', () => {
    const shared = { tier: 'front' };
    const many = checkWiring([
      deployment('a', { ...shared, app: 'a' }),
      deployment('b', { ...shared, app: 'b' }),
      service('front', shared),
    ]);
    expect(many.map(f => f.message)).toEqual([
      expect.stringMatching(/selects pods of several apps by "app": a \(Deployment\/a\), b \(Deployment\/b\)/),
    ]);
    const other = checkWiring([
      deployment('a', { ...shared, app: 'a' }),
      service('b', shared, { labels: { app: 'b' } }),
    ]);
    expect(other.map(f => f.message)).toEqual([
      expect.stringMatching(/selects pods of app "a" \(Deployment\/a\), but the Service belongs to app "b"/),
    ]);
  });

  it('matches Services against pods of every workload kind, CronJobs included', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report' },
      spec: {
        schedule: '0 * * * *',
        jobTemplate: {
          spec: {
            template: { metadata: { labels: { app: 'report' } }, spec: { containers: [{ name: 'r', image: 'r:1' }] } },
          },
        },
      },
    };
    expect(checkWiring([cron, service('report', { app: 'report' })])).toEqual([]);
    expect(rules(checkWiring([cron, service('report', { app: 'reprot' })]))).toEqual([
      'service-selects-nothing Service/report',
    ]);
  });

  it('skips Services without a selector, and Services in namespaces where the app defines no pods', () => {
    expect(
      checkWiring([
        deployment('web', WEB),
        service('external', undefined),
        service('elsewhere', { app: 'x' }, { ns: 'other' }),
      ]),
    ).toEqual([]);
  });

  it('matches Services against pods of their own namespace only', () => {
    const findings = checkWiring([
      deployment('web', WEB, { ns: 'a' }),
      deployment('db', { app: 'db' }, { ns: 'b' }),
      service('web', WEB, { ns: 'b' }),
    ]);
    expect(rules(findings)).toEqual(['service-selects-nothing Service/b/web']);
  });

  it('fails if a workload selector does not select its template or holds a version label', () => {
    const findings = checkWiring([
      deployment('a', { app: 'a' }, { selector: { matchLabels: { app: 'b' } } }),
      deployment(
        'v',
        { app: 'v', 'app.kubernetes.io/version': '1.0' },
        { selector: { matchLabels: { app: 'v', 'app.kubernetes.io/version': '1.0' } } },
      ),
      deployment(
        'd',
        { app: 'd', 'dummy-version': '2.0' },
        { selector: { matchLabels: { app: 'd', 'dummy-version': '2.0' } } },
      ),
    ]);
    expect(findings.map(f => `${f.rule} ${f.object} ${f.location}`)).toEqual([
      'selector-not-in-template Deployment/a spec.selector',
      'selector-has-version Deployment/v spec.selector.matchLabels.app.kubernetes.io/version',
      'selector-has-version Deployment/d spec.selector.matchLabels.dummy-version',
    ]);
    expect(findings[2].message).toMatch(
      /'spec\.selector\.matchLabels\.dummy-version' is "2\.0": must not be in the selector/,
    );
  });

  it('evaluates matchExpressions in workload selectors', () => {
    const ok = deployment(
      'a',
      { app: 'a', track: 'stable' },
      {
        selector: {
          matchExpressions: [
            { key: 'track', operator: 'In', values: ['stable'] },
            { key: 'app', operator: 'Exists' },
          ],
        },
      },
    );
    const bad = deployment(
      'b',
      { app: 'b' },
      { selector: { matchExpressions: [{ key: 'track', operator: 'Exists' }] } },
    );
    expect(rules(checkWiring([ok, bad]))).toEqual(['selector-not-in-template Deployment/b']);
    const versioned = deployment(
      'v',
      { app: 'v', version: '1' },
      { selector: { matchExpressions: [{ key: 'version', operator: 'In', values: ['1'] }] } },
    );
    expect(checkWiring([versioned]).map(f => `${f.rule} ${f.location}`)).toEqual([
      'selector-has-version spec.selector.matchExpressions[0].key',
    ]);
  });

  it('fails if an Ingress backend names a missing Service or a port the Service lacks', () => {
    const findings = checkWiring([
      deployment('web', WEB),
      service('web', WEB),
      ingress('typo', [{ host: 'a.example.com', service: 'wbe', port: { number: 80 } }]),
      ingress('port', [
        { host: 'b.example.com', service: 'web', port: { number: 8080 } },
        { host: 'c.example.com', service: 'web', port: { name: 'metrics' } },
      ]),
    ]);
    expect(findings.map(f => f.message)).toEqual([
      expect.stringMatching(
        /'spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name' is "wbe": names no Service .*\(Services there: web\)/,
      ),
      expect.stringMatching(
        /'spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.port\.number' is 8080: must be a port of Service "web" \(it has http\/80\)/,
      ),
      expect.stringMatching(/'spec\.rules\[1\]\.http\.paths\[0\]\.backend\.service\.port\.name' is "metrics"/),
    ]);
  });

  it('does not report Ingress backends in a namespace where the app defines no Services', () => {
    expect(
      checkWiring([
        ingress('edge', [{ host: 'a.example.com', service: 'managed-elsewhere', port: { number: 80 } }], {
          ns: 'edge',
        }),
      ]),
    ).toEqual([]);
  });

  it('fails if two Ingresses of one class route the same host and path, but not for other classes or nginx canaries', () => {
    const route = { host: 'web.example.com', service: 'web', port: { number: 80 } };
    const findings = checkWiring([
      deployment('web', WEB),
      service('web', WEB),
      ingress('first', [route]),
      ingress('second', [route]),
      ingress('internal', [route], { className: 'internal' }),
      ingress('canary', [route], {
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '10',
        },
      }),
    ]);
    expect(rules(findings)).toEqual(['ingress-duplicate-route Ingress/second']);
    expect(findings[0].message).toMatch(
      /"web\.example\.com\/": is already routed by Ingress\/first \(IngressClass nginx\)/,
    );
  });

  it('fails if an HPA targets a missing workload, has min above max, or its target sets replicas', () => {
    const findings = checkWiring([
      deployment('web', WEB, { replicas: 3, container: cpuRequest }),
      hpa('web', 'web'),
      hpa('ghost', 'wbe'),
      hpa('upside-down', 'web', { minReplicas: 6, maxReplicas: 2 }),
    ]);
    expect(findings.map(f => `${f.rule} ${f.object} ${f.location}`)).toEqual(
      expect.arrayContaining([
        'hpa-target-sets-replicas Deployment/web spec.replicas',
        'hpa-missing-target HorizontalPodAutoscaler/ghost spec.scaleTargetRef.name',
        'hpa-min-above-max HorizontalPodAutoscaler/upside-down spec.minReplicas',
      ]),
    );
    expect(findings.find(f => f.rule === 'hpa-min-above-max')!.message).toBe(
      "'spec.minReplicas' is 6: must be less than or equal to maxReplicas (2)",
    );
  });

  it('fails if a CPU utilization target has no CPU request on the target (also for the v2 default metric and v1)', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'v1' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 3,
        targetCPUUtilizationPercentage: 50,
      },
    };
    const findings = checkWiring([deployment('web', WEB), hpa('default-metric', 'web'), v1]);
    expect(findings.map(f => f.message)).toEqual([
      expect.stringMatching(
        /'spec\.metrics' is "cpu utilization 80% \(the default\)": needs a cpu request on every container of Deployment\/web; container "main" has none/,
      ),
      expect.stringMatching(/'spec\.targetCPUUtilizationPercentage' is "cpu utilization 50%"/),
    ]);
  });

  it('checks only the named container for a ContainerResource utilization target', () => {
    const twoContainers = deployment('web', WEB, { container: cpuRequest });
    twoContainers.spec.template.spec.containers.push({ name: 'sidecar', image: 'proxy:1.0' });
    const metric = (container: string) => ({
      type: 'ContainerResource',
      containerResource: { name: 'cpu', container, target: { type: 'Utilization', averageUtilization: 60 } },
    });
    expect(checkWiring([twoContainers, hpa('web', 'web', { metrics: [metric('main')] })])).toEqual([]);
    expect(
      checkWiring([twoContainers, hpa('web', 'web', { metrics: [metric('sidecar')] })]).map(f => f.message),
    ).toEqual([expect.stringMatching(/container "sidecar" has none/)]);
  });

  it('warns with the share range when a Service mixes an autoscaled and a fixed workload', () => {
    const stable = deployment('web-stable', { ...WEB, track: 'stable' }, { container: cpuRequest });
    const canary = deployment('web-canary', { ...WEB, track: 'canary' }, { replicas: 1 });
    const findings = checkWiring([
      stable,
      canary,
      service('web', WEB),
      hpa('web', 'web-stable', { minReplicas: 3, maxReplicas: 9 }),
    ]);
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'hpa-canary-share', severity: 'warning', object: 'Deployment/web-canary' }),
    ]);
    expect(findings[0].message).toMatch(/1 pod\(s\) beside 3\.\.9 autoscaled pods is 25% down to 10% of the traffic/);
  });

  it('fails if a ServiceMonitor selects no Service, names a port the Service does not name, or lacks the Prometheus label', () => {
    const prometheus = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: 'main' },
      spec: { serviceMonitorSelector: { matchLabels: { release: 'prom' } } },
    };
    const findings = checkWiring([
      deployment('web', WEB),
      service('web', WEB, { labels: WEB }),
      prometheus,
      serviceMonitor('none', { app: 'nope' }, 'http', { release: 'prom' }),
      serviceMonitor('port', WEB, 'metrics', { release: 'prom' }),
      serviceMonitor('unlabelled', WEB, 'http'),
    ]);
    expect(findings.map(f => `${f.rule} ${f.object}`)).toEqual([
      'servicemonitor-selects-nothing ServiceMonitor/none',
      'servicemonitor-port-not-named ServiceMonitor/port',
      'servicemonitor-missing-prometheus-label ServiceMonitor/unlabelled',
    ]);
    expect(findings[1].message).toMatch(
      /'spec\.endpoints\[0\]\.port' is "metrics": must be the name of a port of Service\/web \(its ports: http\/80\)/,
    );
    expect(findings[2].message).toMatch(/Prometheus\/main selects ServiceMonitors by/);
  });

  it('counts objects without a namespace as in the default one (or defaultNamespace), where a ServiceMonitor may name it', () => {
    const sm = serviceMonitor('sm', { app: 'nope' }, 'http');
    sm.metadata.namespace = 'monitoring';
    sm.spec.namespaceSelector = { matchNames: ['default'] };
    const manifests = [deployment('web', WEB), service('web', WEB, { labels: WEB }), sm];
    expect(rules(checkWiring(manifests))).toEqual(['servicemonitor-selects-nothing ServiceMonitor/monitoring/sm']);
    expect(checkWiring(manifests, { defaultNamespace: 'apps' })).toEqual([]);
  });

  it('takes the Prometheus selector from the options when the app has no Prometheus object', () => {
    const findings = checkWiring(
      [deployment('web', WEB), service('web', WEB, { labels: WEB }), serviceMonitor('sm', WEB, 'http')],
      { prometheusSelector: { team: 'a' } },
    );
    expect(rules(findings)).toEqual(['servicemonitor-missing-prometheus-label ServiceMonitor/sm']);
  });

  it('fails if a probe targets an undeclared port, by number or by name', () => {
    const findings = checkWiring([
      deployment('web', WEB, {
        container: {
          readinessProbe: { httpGet: { path: '/ready', port: 9090 } },
          livenessProbe: { tcpSocket: { port: 'admin' } },
          startupProbe: { httpGet: { path: '/', port: 'http' } },
        },
      }),
    ]);
    expect(findings.map(f => f.message)).toEqual([
      expect.stringMatching(
        /'spec\.template\.spec\.containers\[0\]\.readinessProbe\.httpGet\.port' is 9090: must be a port container "main" declares \(http\/8080\)/,
      ),
      expect.stringMatching(/'spec\.template\.spec\.containers\[0\]\.livenessProbe\.tcpSocket\.port' is "admin"/),
    ]);
  });

  it(`fails if a workload annotated ${FIXED_SIZE_ANNOTATION} is autoscaled or asks for more than one replica`, () => {
    const fixed = { [FIXED_SIZE_ANNOTATION]: 'true' };
    const findings = checkWiring([
      deployment('fetcher', { app: 'fetcher' }, { annotations: fixed, container: cpuRequest }),
      hpa('fetcher', 'fetcher'),
      deployment('singleton', { app: 'singleton' }, { annotations: fixed, replicas: 2 }),
      deployment('one', { app: 'one' }, { annotations: fixed, replicas: 1 }),
    ]);
    expect(rules(findings)).toEqual([
      'fixed-size-autoscaled HorizontalPodAutoscaler/fetcher',
      'fixed-size-replicas Deployment/singleton',
    ]);
  });

  it('suppresses a finding on one object with a reason, and reports an empty reason or an unknown rule', () => {
    const svc = service('web', { app: 'nope' });
    svc.metadata.annotations = {
      'cdk8s-delivery.io/suppress.service-selects-nothing': 'pods come from the legacy Helm release',
    };
    expect(checkWiring([deployment('web', WEB), svc])).toEqual([]);
    svc.metadata.annotations = {
      'cdk8s-delivery.io/suppress.service-selects-nothing': ' ',
      'cdk8s-delivery.io/suppress.no-such-rule': 'x',
    };
    expect(rules(checkWiring([deployment('web', WEB), svc])).sort()).toEqual([
      'service-selects-nothing Service/web',
      'suppression-reason Service/web',
      'suppression-unknown-rule Service/web',
    ]);
  });

  it('checks a Rollout with workloadRef against the template of the Deployment it references', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'other' } },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-template' },
      },
    };
    expect(rules(checkWiring([deployment('web-template', WEB, { replicas: 0 }), rollout]))).toEqual([
      'selector-not-in-template Rollout/web',
    ]);
  });
});

describe('WiringChecks on a whole app', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A previous output, written by synthesizeApp (it refuses to replace a folder it did not write); returns it and its
   * files' texts.
   */
  function sentinelDir(): { outdir: string; before: Record<string, string> } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiring-'));
    dirs.push(dir);
    const outdir = path.join(dir, 'dist');
    const previous = new App();
    new ApiObject(new Chart(previous, 'previous'), 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'previous' },
    });
    synthesizeApp(previous, { outdir, log: () => undefined });
    return { outdir, before: texts(outdir) };
  }
  function texts(dir: string): Record<string, string> {
    return Object.fromEntries(fs.readdirSync(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  }

  it('passes the dummy-api example; its replica-share canary is reported once, by the construct that checks it itself', () => {
    const app = Testing.app();
    new DummyApiChart(app, 'dummy-api');
    const checks = enableWiringChecks(app);
    expect(checks.findings().filter(f => f.severity === 'error')).toEqual([]);
    expect(checks.findings().map(f => f.rule)).toContain('hpa-canary-share');
    app.synth();
    expect(warningsOf(app)).toEqual([
      expect.stringMatching(/^\[dummy-api\/canary\] the canary's traffic share moves .*50% down to 9\.09%/),
    ]);
  });

  it('reports a fixed replica count beside an autoscaler once, in the words of the construct that checks it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'web');
    const stable = new StableDeployment(chart, 'stable', {
      app: 'web',
      image: 'web:1.0',
      replicas: 3,
      resources: { cpu: { request: Cpu.millis(10) } },
    });
    new Autoscaler(chart, 'hpa', { target: stable, maxReplicas: 5 });
    enableWiringChecks(app);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/replicas/g)?.length).toBe(1);
    expect(message).toMatch(/\[web\/stable\] 'replicas' is 3: must be left unset: web\/hpa owns the replica count/);
  });

  it('reports the replica-share warning for plain objects that no construct checked', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    const labels = (track: string) => ({ app: 'shop', track });
    const deployment = (id: string, track: string, replicas?: number) =>
      new ApiObject(chart, id, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: id },
        spec: {
          replicas,
          selector: { matchLabels: labels(track) },
          template: {
            metadata: { labels: labels(track) },
            spec: { containers: [{ name: 'shop', image: 'shop:1.0', resources: { requests: { cpu: '10m' } } }] },
          },
        },
      });
    deployment('stable', 'stable');
    deployment('canary', 'canary', 1);
    new ApiObject(chart, 'svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop' },
      spec: { selector: { app: 'shop' }, ports: [{ port: 80 }] },
    });
    new ApiObject(chart, 'hpa', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'stable' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'stable' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        ],
      },
    });
    enableWiringChecks(app);
    app.synth();
    expect(warningsOf(app)).toContainEqual(
      expect.stringMatching(
        /^\[plain\/canary\] Deployment\/canary 'spec\.replicas' is 1: .*50% down to 9\.09%.*\[hpa-canary-share\]$/,
      ),
    );
  });

  it('is idempotent per scope', () => {
    const app = Testing.app();
    expect(WiringChecks.of(app)).toBe(enableWiringChecks(app));
  });

  it('fails synth with every problem, each prefixed with its construct path, on plain cdk8s-plus and L1 objects, and writes nothing', () => {
    const app = new App();
    const web = new Chart(app, 'web');
    const d = new kplus.Deployment(web, 'frontend', { containers: [{ image: 'nginx:1.25', portNumber: 8080 }] });
    new kplus.Service(web, 'frontend-svc', {
      selector: kplus.Pods.select(web, 'none', { labels: { app: 'nothing' } }),
      ports: [{ port: 80, targetPort: 8080 }],
    });
    d.exposeViaService({ name: 'frontend' });
    const edge = new Chart(app, 'edge');
    new k8s.KubeIngress(edge, 'ingress', {
      metadata: { name: 'edge' },
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 9999 } } } },
              ],
            },
          },
        ],
      },
    });
    enableWiringChecks(app);
    const { outdir, before } = sentinelDir();
    let message = '';
    try {
      synthesizeApp(app, { outdir, log: () => undefined });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /\[web\/frontend-svc\] Service\/web-frontend-svc-\w+ 'spec\.selector' is \{"app":"nothing"\}: matches no pod template/,
    );
    expect(message).toMatch(
      /\[edge\/ingress\] Ingress\/edge 'spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.port\.number' is 9999: must be a port of Service "frontend"/,
    );
    expect(texts(outdir)).toEqual(before);
    expect(Object.keys(before)).toContain('previous.k8s.yaml');
  });

  it('passes plain cdk8s-plus-27 objects that are wired correctly', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plus');
    const d = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.25', portNumber: 8080 }] });
    d.exposeViaIngress('/', { name: 'web' });
    expect(WiringChecks.of(app).findings()).toEqual([]);
  });
});

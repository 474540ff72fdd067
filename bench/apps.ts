import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  Memory,
  Probe,
  ScalingMetric,
  StableDeployment,
  VersionedService,
} from '../lib';

/** How the services of a benchmark app are grouped into charts. */
export type Layout = 'single' | 'multi';

/** Which code builds the manifests: this library, or hand-written cdk8s L1 objects. */
export type Flavour = 'lib' | 'l1';

/** An app of `n` microservices, all in one chart (`single`) or one chart each (`multi`). */
export function buildApp(flavour: Flavour, layout: Layout, n: number, outdir: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const addService = flavour === 'lib' ? addLibService : addL1Service;
  const single = layout === 'single' ? new Chart(app, 'services') : undefined;
  for (let i = 0; i < n; i++) addService(single ?? new Chart(app, serviceName(i)), serviceName(i));
  return app;
}

function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** One microservice with the library: stable + canary, a Service per track, an Ingress rule, an autoscaler. */
export function addLibService(scope: Construct, name: string): void {
  const stable = new StableDeployment(scope, `${name}-stable`, {
    app: name,
    image: `registry.example.com/${name}:1.4.2`,
    port: 8080,
    resources: {
      cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) },
      memory: { request: Memory.mebibytes(128), limit: Memory.mebibytes(256) },
    },
    readiness: Probe.http('/healthz'),
    env: { LOG_LEVEL: 'info' },
  });
  const canary = new CanaryDeployment(scope, `${name}-canary`, {
    stable,
    image: `registry.example.com/${name}:1.5.0`,
    replicas: 1,
  });
  const stableService = new VersionedService(scope, `${name}-stable-service`, { serves: stable, port: 80 });
  new VersionedService(scope, `${name}-canary-service`, { serves: canary, port: 80 });
  new HostIngress(scope, `${name}-ingress`, {
    name: `${name}-ingress`,
    className: 'nginx',
    rules: [{ host: `${name}.example.com`, service: stableService }],
  });
  new Autoscaler(scope, `${name}-autoscaler`, {
    target: stable,
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [ScalingMetric.cpuUtilization(70)],
  });
}

/** The same microservice written by hand with cdk8s's L1 classes: the manifests `addLibService` must produce. */
export function addL1Service(scope: Construct, name: string): void {
  const deployment = (track: 'stable' | 'canary', version: string, replicas?: number) => {
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/track': track };
    const labels = { ...selector, 'app.kubernetes.io/version': version };
    new k8s.KubeDeployment(scope, `${name}-${track}`, {
      metadata: { name: `${name}-${track}`, labels },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromString('25%'),
            maxUnavailable: k8s.IntOrString.fromString('25%'),
          },
        },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name,
                image: `registry.example.com/${name}:${version}`,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [{ name: 'LOG_LEVEL', value: 'info' }],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
                  limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') },
                },
                readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  };
  const service = (track: 'stable' | 'canary') => {
    new k8s.KubeService(scope, `${name}-${track}-service`, {
      metadata: { name: `${name}-${track}`, labels: { 'app.kubernetes.io/name': name } },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/track': track },
        ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }],
      },
    });
  };
  deployment('stable', '1.4.2');
  deployment('canary', '1.5.0', 1);
  service('stable');
  service('canary');
  new k8s.KubeIngress(scope, `${name}-ingress`, {
    metadata: { name: `${name}-ingress` },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: `${name}.example.com`,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: `${name}-stable`, port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  new k8s.KubeHorizontalPodAutoscalerV2(scope, `${name}-autoscaler`, {
    metadata: { name: `${name}-stable-autoscaler` },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-stable` },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  });
}

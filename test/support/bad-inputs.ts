import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  AnalysisTemplate,
  Autoscaler,
  CanaryDeployment,
  CanaryStep,
  Condition,
  Cpu,
  enableWiringChecks,
  HostIngress,
  IntOrPercent,
  Memory,
  GrafanaDashboard,
  MetricProvider,
  NatsMonitoring,
  NatsPipeline,
  NatsServer,
  RestartRateAnalysis,
  NginxCanary,
  PipelineStage,
  PodSecurity,
  Probe,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
  UpdateStrategy,
  VersionedService,
} from '../../lib';
import {
  BadInput,
  chart,
  web,
  stable,
  service,
  withRequest,
  prometheus,
  restarts,
  stage,
  l1Deployment,
} from './bad-input-kit';
import { APP_ROWS } from './bad-input-rows/app';
import { NATS_ROWS } from './bad-input-rows/nats';
import { POD_SPEC_ROWS } from './bad-input-rows/pod-spec';
import { ROLLOUT_ROWS } from './bad-input-rows/rollouts';
import { WORKLOAD_ROWS } from './bad-input-rows/workloads';
import { GATEWAY_ROWS } from './bad-input-rows/gateway';

export type { BadInput };

const FIRST_ROWS: readonly BadInput[] = [
  // StableDeployment (and every workload built on the shared pod template)
  {
    construct: 'StableDeployment',
    name: 'image without a tag',
    build: app => stable(app, { image: 'web' }),
    path: 'app/web',
    prop: 'image',
    value: '"web"',
  },
  {
    construct: 'StableDeployment',
    name: 'image tagged latest',
    build: app => stable(app, { image: 'web:latest' }),
    path: 'app/web',
    prop: 'image',
    value: '"web:latest"',
  },
  {
    construct: 'StableDeployment',
    name: 'image with a space',
    build: app => stable(app, { image: 'web :1.0' }),
    path: 'app/web',
    prop: 'image',
    value: '"web :1.0"',
  },
  {
    construct: 'StableDeployment',
    name: 'zero replicas',
    build: app => stable(app, { replicas: 0 }),
    path: 'app/web',
    prop: 'replicas',
    value: '0',
  },
  {
    construct: 'StableDeployment',
    name: 'fractional replicas',
    build: app => stable(app, { replicas: 1.5 }),
    path: 'app/web',
    prop: 'replicas',
    value: '1.5',
  },
  {
    construct: 'StableDeployment',
    name: 'port 0',
    build: app => stable(app, { port: 0 }),
    path: 'app/web',
    prop: 'port',
    value: '0',
  },
  {
    construct: 'StableDeployment',
    name: 'port above 65535',
    build: app => stable(app, { port: 70000 }),
    path: 'app/web',
    prop: 'port',
    value: '70000',
  },
  {
    construct: 'StableDeployment',
    name: 'port name longer than 15 characters',
    build: app => stable(app, { portName: 'http-metrics-port' }),
    path: 'app/web',
    prop: 'portName',
    value: '"http-metrics-port"',
  },
  {
    construct: 'StableDeployment',
    name: 'port name without a port',
    build: app => stable(app, { port: undefined, portName: 'http' }),
    path: 'app/web',
    prop: 'portName',
    value: '"http"',
  },
  {
    construct: 'StableDeployment',
    name: 'app label with a space',
    build: app => stable(app, { app: 'web app' }),
    path: 'app/web',
    prop: 'app',
    value: '"web app"',
  },
  {
    construct: 'StableDeployment',
    name: 'Deployment name with upper case',
    build: app => stable(app, { name: 'Web_Stable' }),
    path: 'app/web',
    prop: 'name',
    value: '"Web_Stable"',
  },
  {
    construct: 'StableDeployment',
    name: 'one label key for app and track',
    build: app => stable(app, { labelKeys: { app: 'app', track: 'app' } }),
    path: 'app/web',
    prop: 'labelKeys',
    value: '{"app":"app","track":"app","version":"app.kubernetes.io/version"}',
  },
  {
    construct: 'StableDeployment',
    name: 'label key with a space',
    build: app => stable(app, { labelKeys: { app: 'my app' } }),
    path: 'app/web',
    prop: 'labelKeys.app',
    value: '"my app"',
  },
  {
    construct: 'StableDeployment',
    name: 'container name with upper case',
    build: app => stable(app, { containerName: 'Main' }),
    path: 'app/web',
    prop: 'containerName',
    value: '"Main"',
  },
  {
    construct: 'StableDeployment',
    name: 'env name starting with a digit',
    build: app => stable(app, { env: { '1BAD': 'x' } }),
    path: 'app/web',
    prop: 'env.1BAD',
    value: '"1BAD"',
  },
  {
    construct: 'StableDeployment',
    name: 'unknown imagePullPolicy',
    build: app => stable(app, { imagePullPolicy: 'Sometimes' }),
    path: 'app/web',
    prop: 'imagePullPolicy',
    value: '"Sometimes"',
  },
  {
    construct: 'StableDeployment',
    name: 'CPU request that is not a quantity',
    build: app => stable(app, { resources: { cpu: { request: Cpu.of('lots') } } }),
    path: 'app/web',
    prop: 'resources.cpu.request',
    value: '"lots"',
  },
  {
    construct: 'StableDeployment',
    name: 'memory limit below the request',
    build: app =>
      stable(app, { resources: { memory: { request: Memory.mebibytes(64), limit: Memory.mebibytes(32) } } }),
    path: 'app/web',
    prop: 'resources.memory.limit',
    value: '"32Mi"',
  },
  {
    construct: 'StableDeployment',
    name: 'liveness probe identical to readiness',
    build: app => stable(app, { readiness: Probe.http('/health'), liveness: Probe.http('/health') }),
    path: 'app/web',
    prop: 'liveness',
    value: '"same as readiness"',
  },
  {
    construct: 'StableDeployment',
    name: 'probe on an undeclared port',
    build: app => stable(app, { readiness: Probe.http('/ready', { port: 'admin' }) }),
    path: 'app/web',
    prop: 'readiness.port',
    value: '"admin"',
  },
  {
    construct: 'StableDeployment',
    name: 'probe path without "/"',
    build: app => stable(app, { readiness: Probe.http('ready') }),
    path: 'app/web',
    prop: 'readiness.path',
    value: '"ready"',
  },
  {
    construct: 'StableDeployment',
    name: 'liveness successThreshold above 1',
    build: app => stable(app, { liveness: Probe.tcp({ successThreshold: 2 }) }),
    path: 'app/web',
    prop: 'liveness.successThreshold',
    value: '2',
  },
  {
    construct: 'StableDeployment',
    name: 'runAsUser 0 under the restricted preset',
    build: app => stable(app, { security: PodSecurity.restricted({ runAsUser: 0 }) }),
    path: 'app/web',
    prop: 'security.runAsUser',
    value: '0',
  },
  {
    construct: 'StableDeployment',
    name: 'negative runAsGroup',
    build: app => stable(app, { security: PodSecurity.baseline({ runAsGroup: -1 }) }),
    path: 'app/web',
    prop: 'security.runAsGroup',
    value: '-1',
  },
  {
    construct: 'StableDeployment',
    name: 'progressDeadline not above minReady',
    build: app => stable(app, { minReady: Duration.seconds(30), progressDeadline: Duration.seconds(10) }),
    path: 'app/web',
    prop: 'progressDeadline',
    value: '"10s"',
  },
  {
    construct: 'StableDeployment',
    name: 'minReady in fractional seconds',
    build: app => stable(app, { minReady: Duration.millis(1500) }),
    path: 'app/web',
    prop: 'minReady',
    value: '"1500ms"',
  },
  {
    construct: 'StableDeployment',
    name: 'negative revisionHistoryLimit',
    build: app => stable(app, { revisionHistoryLimit: -1 }),
    path: 'app/web',
    prop: 'revisionHistoryLimit',
    value: '-1',
  },
  {
    construct: 'StableDeployment',
    name: 'maxSurge and maxUnavailable both 0',
    build: app =>
      stable(app, {
        strategy: UpdateStrategy.rollingUpdate({
          maxSurge: IntOrPercent.count(0),
          maxUnavailable: IntOrPercent.count(0),
        }),
      }),
    path: 'app/web',
    prop: 'strategy.maxUnavailable',
    value: '0',
  },
  {
    construct: 'StableDeployment',
    name: 'maxSurge above 100%',
    build: app => stable(app, { strategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.percent(150) }) }),
    path: 'app/web',
    prop: 'strategy.maxSurge',
    value: '"150%"',
  },
  {
    construct: 'StableDeployment',
    name: 'version that is not a label value',
    build: app => stable(app, { version: 'v 1' }),
    path: 'app/web',
    prop: 'version',
    value: '"v 1"',
  },
  {
    construct: 'StableDeployment',
    name: 'replicas next to an autoscaler',
    build: app => {
      const { c, s } = stable(app, { replicas: 3, ...withRequest });
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5 });
    },
    path: 'app/web',
    prop: 'replicas',
    value: '3',
  },

  // CanaryDeployment
  {
    construct: 'CanaryDeployment',
    name: 'another app than its stable',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', app: 'shop' });
    },
    path: 'app/canary',
    prop: 'app',
    value: '"shop"',
  },
  {
    construct: 'CanaryDeployment',
    name: 'another port than its stable',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', port: 9090 });
    },
    path: 'app/canary',
    prop: 'port',
    value: '9090',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight and replicas together',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 25, totalReplicas: 4, replicas: 1 });
    },
    path: 'app/canary',
    prop: 'replicas',
    value: '1',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight without totalReplicas',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 25 });
    },
    path: 'app/canary',
    prop: 'totalReplicas',
    value: 'undefined',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight whole pods cannot meet',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 30, totalReplicas: 4 });
    },
    path: 'app/canary',
    prop: 'weight',
    value: '30',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight above 100',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 150, totalReplicas: 4 });
    },
    path: 'app/canary',
    prop: 'weight',
    value: '150',
  },
  {
    construct: 'CanaryDeployment',
    name: 'totalReplicas without weight',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', totalReplicas: 4 });
    },
    path: 'app/canary',
    prop: 'totalReplicas',
    value: '4',
  },
  {
    construct: 'CanaryDeployment',
    name: 'negative replicas',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', replicas: -1 });
    },
    path: 'app/canary',
    prop: 'replicas',
    value: '-1',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight that contradicts the stable replicas',
    build: app => {
      const { c, s } = stable(app, { replicas: 2 });
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 25, totalReplicas: 4 });
    },
    path: 'app/canary',
    prop: 'weight',
    value: '25',
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight beside an autoscaled stable',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', weight: 25, totalReplicas: 4 });
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5 });
    },
    path: 'app/canary',
    prop: 'weight',
    value: '25',
  },

  // VersionedService
  {
    construct: 'VersionedService',
    name: 'serves no workload',
    build: app => new VersionedService(chart(app), 'svc', { serves: [], port: 80 }),
    path: 'app/svc',
    prop: 'serves',
    value: '[]',
  },
  {
    construct: 'VersionedService',
    name: 'serves two apps',
    build: app => {
      const { c, s } = stable(app);
      const other = new StableDeployment(c, 'shop', { app: 'shop', image: 'shop:1.0', port: 8080 });
      new VersionedService(c, 'svc', { serves: [s, other], port: 80 });
    },
    path: 'app/svc',
    prop: 'serves',
    value: 'construct app/shop',
  },
  {
    construct: 'VersionedService',
    name: 'port 0',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 0 });
    },
    path: 'app/svc',
    prop: 'port',
    value: '0',
  },
  {
    construct: 'VersionedService',
    name: 'targetPort the pods do not listen on',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 80, targetPort: 9090 });
    },
    path: 'app/svc',
    prop: 'targetPort',
    value: '9090',
  },
  {
    construct: 'VersionedService',
    name: 'no targetPort for pods without a port',
    build: app => {
      const { c, s } = stable(app, { port: undefined });
      new VersionedService(c, 'svc', { serves: s, port: 80 });
    },
    path: 'app/svc',
    prop: 'targetPort',
    value: 'undefined',
  },
  {
    construct: 'VersionedService',
    name: 'name with an underscore',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 80, name: 'web_service' });
    },
    path: 'app/svc',
    prop: 'name',
    value: '"web_service"',
  },
  {
    construct: 'VersionedService',
    name: 'unsupported type',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 80, type: 'ExternalName' as any });
    },
    path: 'app/svc',
    prop: 'type',
    value: '"ExternalName"',
  },
  {
    construct: 'VersionedService',
    name: 'port name with upper case',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 80, portName: 'Http' });
    },
    path: 'app/svc',
    prop: 'portName',
    value: '"Http"',
  },

  // HostIngress
  {
    construct: 'HostIngress',
    name: 'host that is a bare word',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'tutorial-api', service: svc }] });
    },
    path: 'app/ing',
    prop: 'rules[0].host',
    value: '"tutorial-api"',
  },
  {
    construct: 'HostIngress',
    name: 'host with an underscore',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'tutorial_api.com', service: svc }] });
    },
    path: 'app/ing',
    prop: 'rules[0].host',
    value: '"tutorial_api.com"',
  },
  {
    construct: 'HostIngress',
    name: 'path without "/"',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', path: 'api', service: svc }] });
    },
    path: 'app/ing',
    prop: 'rules[0].path',
    value: '"api"',
  },
  {
    construct: 'HostIngress',
    name: 'unknown pathType',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', pathType: 'Regex' as any, service: svc }] });
    },
    path: 'app/ing',
    prop: 'rules[0].pathType',
    value: '"Regex"',
  },
  {
    construct: 'HostIngress',
    name: 'port the Service does not have',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service: svc, port: 9999 }] });
    },
    path: 'app/ing',
    prop: 'rules[0].port',
    value: '9999',
  },
  {
    construct: 'HostIngress',
    name: 'port name the Service does not have',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service: svc, port: 'metrics' }] });
    },
    path: 'app/ing',
    prop: 'rules[0].port',
    value: '"metrics"',
  },
  {
    construct: 'HostIngress',
    name: 'one host and path routed twice',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', {
        rules: [
          { host: 'a.example.com', service: svc },
          { host: 'a.example.com', service: svc },
        ],
      });
    },
    path: 'app/ing',
    prop: 'rules[1].host',
    value: '"a.example.com/"',
  },
  {
    construct: 'HostIngress',
    name: 'no rules',
    build: app => new HostIngress(chart(app), 'ing'),
    path: 'app/ing',
    prop: 'rules',
    value: '[]',
  },
  {
    construct: 'HostIngress',
    name: 'name with upper case',
    build: app => new HostIngress(chart(app), 'ing', { name: 'App_Ingress' }),
    path: 'app/ing',
    prop: 'name',
    value: '"App_Ingress"',
  },
  {
    construct: 'HostIngress',
    name: 'canary weight above 100',
    build: app => {
      const { c, svc } = service(app);
      const p = new HostIngress(c, 'main', { rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', {
        canary: { primary: p, split: NginxCanary.weight(120) },
        rules: [{ host: 'a.example.com', service: svc }],
      });
    },
    path: 'app/ing',
    prop: 'canary.split.weight',
    value: '120',
  },
  {
    construct: 'HostIngress',
    name: 'canary header with a space',
    build: app => {
      const { c, svc } = service(app);
      const p = new HostIngress(c, 'main', { rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', { canary: { primary: p, split: NginxCanary.header('X Canary') } });
    },
    path: 'app/ing',
    prop: 'canary.split.header',
    value: '"X Canary"',
  },
  {
    construct: 'HostIngress',
    name: 'canary of another IngressClass',
    build: app => {
      const { c, svc } = service(app);
      const p = new HostIngress(c, 'main', { className: 'nginx', rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', { className: 'traefik', canary: { primary: p, split: NginxCanary.weight(10) } });
    },
    path: 'app/ing',
    prop: 'className',
    value: '"traefik"',
  },
  {
    construct: 'HostIngress',
    name: 'canary route its primary does not serve',
    build: app => {
      const { c, svc } = service(app);
      const p = new HostIngress(c, 'main', { rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', {
        canary: { primary: p, split: NginxCanary.weight(10) },
        rules: [{ host: 'b.example.com', service: svc }],
      });
    },
    path: 'app/ing',
    prop: 'rules',
    value: '"b.example.com/"',
  },
  {
    construct: 'HostIngress',
    name: 'TLS secret name with a space',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service: svc, tlsSecret: 'my secret' }] });
    },
    path: 'app/ing',
    prop: 'rules[0].tlsSecret',
    value: '"my secret"',
  },

  // Autoscaler
  {
    construct: 'Autoscaler',
    name: 'minReplicas above maxReplicas',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, minReplicas: 6, maxReplicas: 2 });
    },
    path: 'app/hpa',
    prop: 'minReplicas',
    value: '6',
  },
  {
    construct: 'Autoscaler',
    name: 'maxReplicas 0',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 0 });
    },
    path: 'app/hpa',
    prop: 'maxReplicas',
    value: '0',
  },
  {
    construct: 'Autoscaler',
    name: 'no metrics',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, metrics: [] });
    },
    path: 'app/hpa',
    prop: 'metrics',
    value: '[]',
  },
  {
    construct: 'Autoscaler',
    name: 'CPU utilization without a CPU request',
    build: app => {
      const { c, s } = stable(app);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5 });
    },
    path: 'app/hpa',
    prop: 'metrics[0]',
    value: '"cpu utilization 80%"',
  },
  {
    construct: 'Autoscaler',
    name: 'utilization 0',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, metrics: [ScalingMetric.cpuUtilization(0)] });
    },
    path: 'app/hpa',
    prop: 'metrics[0].utilization',
    value: '0',
  },
  {
    construct: 'Autoscaler',
    name: 'average value that is not a quantity',
    build: app => {
      const { c, s } = stable(app);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, metrics: [ScalingMetric.cpuAverageValue(Cpu.of('half'))] });
    },
    path: 'app/hpa',
    prop: 'metrics[0].averageValue',
    value: '"half"',
  },
  {
    construct: 'Autoscaler',
    name: 'two autoscalers on one workload',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa1', { target: s, maxReplicas: 5 });
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, name: 'web-second' });
    },
    path: 'app/hpa',
    prop: 'target',
    value: 'construct app/web',
  },
  {
    construct: 'Autoscaler',
    name: 'stabilization window above an hour',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, scaleUp: { stabilizationWindow: Duration.seconds(4000) } });
    },
    path: 'app/hpa',
    prop: 'scaleUp.stabilizationWindow',
    value: '"4000s"',
  },
  {
    construct: 'Autoscaler',
    name: 'scaling policy period 0',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', {
        target: s,
        maxReplicas: 5,
        scaleDown: { policies: [{ type: 'Pods', value: 1, period: Duration.seconds(0) }] },
      });
    },
    path: 'app/hpa',
    prop: 'scaleDown.policies[0].period',
    value: '"0s"',
  },
  {
    construct: 'Autoscaler',
    name: 'name with upper case',
    build: app => {
      const { c, s } = stable(app, withRequest);
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, name: 'Web-HPA' });
    },
    path: 'app/hpa',
    prop: 'name',
    value: '"Web-HPA"',
  },

  // Rollout and AnalysisTemplate
  {
    construct: 'Rollout',
    name: 'setWeight above 100',
    build: app =>
      new Rollout(chart(app), 'ro', {
        ...web,
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.setWeight(150)] }),
      }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setWeight',
    value: '150',
  },
  {
    construct: 'Rollout',
    name: 'no image and no workloadRef',
    build: app => new Rollout(chart(app), 'ro', { app: 'web', strategy: RolloutStrategy.canary() }),
    path: 'app/ro',
    prop: 'image',
    value: 'undefined',
  },
  {
    construct: 'Rollout',
    name: 'no strategy',
    build: app => new Rollout(chart(app), 'ro', web),
    path: 'app/ro',
    prop: 'strategy',
    value: 'undefined',
  },
  {
    construct: 'Rollout',
    name: 'canaryService equal to stableService',
    build: app => {
      const c = chart(app);
      const r = new Rollout(c, 'ro', web);
      const svc = new VersionedService(c, 'svc', { serves: r, port: 80 });
      r.setStrategy(RolloutStrategy.canary({ canaryService: svc, stableService: svc }));
    },
    path: 'app/ro',
    prop: 'strategy.canaryService',
    value: '"web-stable"',
  },
  {
    construct: 'Rollout',
    name: 'setCanaryScale without traffic routing',
    build: app =>
      new Rollout(chart(app), 'ro', {
        ...web,
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.setCanaryScale({ replicas: 1 })] }),
      }),
    path: 'app/ro',
    prop: 'strategy.steps[0].setCanaryScale',
    value: '{"replicas":1}',
  },
  {
    construct: 'Rollout',
    name: 'progressDeadline not above minReady',
    build: app =>
      new Rollout(chart(app), 'ro', {
        ...web,
        strategy: RolloutStrategy.canary(),
        minReady: Duration.seconds(60),
        progressDeadline: Duration.seconds(30),
      }),
    path: 'app/ro',
    prop: 'progressDeadline',
    value: '"30s"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'query that is not PromQL',
    build: app => restarts(chart(app), 'sum(rate(http_requests_total[5m]'),
    path: 'app/restarts',
    prop: 'metrics.restarts.query',
    value: '"sum(rate(http_requests_total[5m]"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'query using an undeclared argument',
    build: app => restarts(chart(app), 'scalar(sum(up{job="{{args.job}}"}))'),
    path: 'app/restarts',
    prop: 'metrics.restarts.provider',
    value: '"{{args.job}}"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'count of 0',
    build: app =>
      new AnalysisTemplate(chart(app), 'restarts', {
        metrics: [
          {
            name: 'restarts',
            provider: MetricProvider.prometheus({ address: prometheus, query: 'scalar(sum(up))' }),
            condition: Condition.scalarBelow(2),
            count: 0,
          },
        ],
      }),
    path: 'app/restarts',
    prop: 'metrics.restarts.count',
    value: '0',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'Prometheus address that is not a URL',
    build: app =>
      new AnalysisTemplate(chart(app), 'restarts', {
        metrics: [
          {
            name: 'restarts',
            provider: MetricProvider.prometheus({ address: 'prometheus:9090', query: 'scalar(sum(up))' }),
            condition: Condition.scalarBelow(2),
          },
        ],
      }),
    path: 'app/restarts',
    prop: 'metrics.restarts.provider.address',
    value: '"prometheus:9090"',
  },
  {
    construct: 'RestartRateAnalysis',
    name: 'threshold 0',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: prometheus,
        namespace: 'default',
        container: 'web',
        threshold: 0,
      }),
    path: 'app/restart-rate',
    prop: 'threshold',
    value: '0',
  },
  {
    construct: 'RestartRateAnalysis',
    name: 'container name with upper case',
    build: app =>
      new RestartRateAnalysis(chart(app), 'restart-rate', {
        prometheusAddress: prometheus,
        namespace: 'default',
        container: 'Web',
        threshold: 2,
      }),
    path: 'app/restart-rate',
    prop: 'container',
    value: '"Web"',
  },
  {
    construct: 'AnalysisTemplate',
    name: 'no metrics',
    build: app => new AnalysisTemplate(chart(app), 'restarts', { metrics: [] }),
    path: 'app/restarts',
    prop: 'metrics',
    value: '[]',
  },

  // NATS pipeline
  {
    construct: 'NatsServer',
    name: 'even replica count with JetStream',
    build: app => new NatsServer(chart(app), 'nats', { replicas: 2, jetstream: {} }),
    path: 'app/nats',
    prop: 'replicas',
    value: '2',
  },
  {
    construct: 'PipelineStage',
    name: 'more than one replica for a single-instance stage',
    build: app =>
      new PipelineStage(chart(app), 'fetcher', {
        ...stage('fetcher', { singleInstance: true, replicas: 2 }),
        natsUrl: 'nats://my-nats:4222',
      }),
    path: 'app/fetcher',
    prop: 'replicas',
    value: '2',
  },
  {
    construct: 'PipelineStage',
    name: 'URL that is not a NATS URL',
    build: app => new PipelineStage(chart(app), 'mapper', { ...stage('mapper'), natsUrl: 'http://my-nats:4222' }),
    path: 'app/mapper',
    prop: 'natsUrl',
    value: '"http://my-nats:4222"',
  },
  {
    construct: 'NatsPipeline',
    name: 'no stages',
    build: app => new NatsPipeline(chart(app), 'pipeline', { stages: [] }),
    path: 'app/pipeline',
    prop: 'stages',
    value: '[]',
  },
  {
    construct: 'NatsPipeline',
    name: 'two stages with one name',
    build: app => new NatsPipeline(chart(app), 'pipeline', { stages: [stage('mapper'), stage('mapper')] }),
    path: 'app/pipeline',
    prop: 'stages[1].name',
    value: '"mapper"',
  },

  {
    construct: 'NatsMonitoring',
    name: 'no Prometheus selector labels',
    build: app => {
      const c = chart(app);
      new NatsMonitoring(c, 'monitoring', { server: new NatsServer(c, 'nats'), prometheusLabels: {} });
    },
    path: 'app/monitoring',
    prop: 'prometheusLabels',
    value: '{}',
  },
  {
    construct: 'NatsMonitoring',
    name: 'scrape interval below a second',
    build: app => {
      const c = chart(app);
      new NatsMonitoring(c, 'monitoring', {
        server: new NatsServer(c, 'nats'),
        prometheusLabels: { release: 'prom' },
        interval: Duration.millis(500),
      });
    },
    path: 'app/monitoring',
    prop: 'interval',
    value: '"500ms"',
  },
  {
    construct: 'GrafanaDashboard',
    name: 'data source uid with a space',
    build: app => {
      const c = chart(app);
      new GrafanaDashboard(c, 'dashboard', { server: new NatsServer(c, 'nats'), datasourceUid: 'my prometheus' });
    },
    path: 'app/dashboard',
    prop: 'datasourceUid',
    value: '"my prometheus"',
  },

  // Wiring checks on plain cdk8s objects (enableWiringChecks)
  {
    construct: 'Wiring checks',
    name: 'Service selecting no pods',
    build: app => {
      const c = chart(app);
      l1Deployment(c, 'web', { app: 'web' }, { app: 'web' });
      new k8s.KubeService(c, 'svc', {
        metadata: { name: 'web' },
        spec: { selector: { app: 'wbe' }, ports: [{ port: 80 }] },
      });
      enableWiringChecks(app);
    },
    path: 'app/svc',
    prop: 'spec.selector',
    value: '{"app":"wbe"}',
  },
  {
    construct: 'Wiring checks',
    name: 'Deployment selector with the version',
    build: app => {
      const c = chart(app);
      l1Deployment(c, 'web', { app: 'web', version: '1.0' }, { app: 'web', version: '1.0' });
      enableWiringChecks(app);
    },
    path: 'app/web',
    prop: 'spec.selector.matchLabels.version',
    value: '"1.0"',
  },
  {
    construct: 'Wiring checks',
    name: 'probe on an undeclared port',
    build: app => {
      const c = chart(app);
      l1Deployment(
        c,
        'web',
        { app: 'web' },
        { app: 'web' },
        { readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(9090) } } },
      );
      enableWiringChecks(app);
    },
    path: 'app/web',
    prop: 'spec.template.spec.containers[0].readinessProbe.tcpSocket.port',
    value: '9090',
  },
  {
    construct: 'Wiring checks',
    name: 'Ingress backend on a missing Service',
    build: app => {
      const c = chart(app);
      l1Deployment(c, 'web', { app: 'web' }, { app: 'web' });
      new k8s.KubeService(c, 'svc', {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      });
      new k8s.KubeIngress(c, 'ing', {
        metadata: { name: 'web' },
        spec: {
          rules: [
            {
              host: 'a.example.com',
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'wbe', port: { number: 80 } } } }],
              },
            },
          ],
        },
      });
      enableWiringChecks(app);
    },
    path: 'app/ing',
    prop: 'spec.rules[0].http.paths[0].backend.service.name',
    value: '"wbe"',
  },
  {
    construct: 'Wiring checks',
    name: 'autoscaled workload that sets replicas',
    build: app => {
      const c = chart(app);
      new k8s.KubeDeployment(c, 'web', {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'main', image: 'web:1.0', resources: { requests: { cpu: k8s.Quantity.fromString('100m') } } },
              ],
            },
          },
        },
      });
      new k8s.KubeHorizontalPodAutoscalerV2(c, 'hpa', {
        metadata: { name: 'web' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
      });
      enableWiringChecks(app);
    },
    path: 'app/web',
    prop: 'spec.replicas',
    value: '3',
  },
];

/** Every bad input, grouped by construct in order of first appearance (errors.md has one section per construct). */
export const BAD_INPUTS: readonly BadInput[] = groupByConstruct([
  ...FIRST_ROWS,
  ...WORKLOAD_ROWS,
  ...POD_SPEC_ROWS,
  ...ROLLOUT_ROWS,
  ...NATS_ROWS,
  ...APP_ROWS,
  ...GATEWAY_ROWS,
]);

function groupByConstruct(rows: readonly BadInput[]): BadInput[] {
  const order = [...new Set(rows.map(r => r.construct))];
  return order.flatMap(construct => rows.filter(r => r.construct === construct));
}

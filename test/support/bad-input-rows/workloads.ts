import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  HostIngress,
  IntOrPercent,
  Memory,
  NginxCanary,
  PodSecurity,
  Probe,
  ScalingMetric,
  StableDeployment,
  UpdateStrategy,
  VersionedService,
} from '../../../lib';
import { BadInput, chart, service, stable, withRequest } from '../bad-input-kit';

const URL_PATH =
  'must be an absolute URL path: start with "/", hold no "//", "/./" or "/../" segments, not end in "/." or "/..", no whitespace, "?", "#" or characters a URL path cannot hold';
const HOST =
  'must be a DNS host name: lower-case letters, digits, "-" and ".", each label starting and ending with a letter or digit, at most 253 characters; "*" only as the whole leftmost label, e.g. "*.example.com"';
const IMAGE_EXAMPLE = 'an image reference looks like "ghcr.io/example/web:1.0"';
const sha256 = 'a'.repeat(64);

const canaryOf =
  (props: object, stableExtra: object = {}) =>
  (app: Parameters<BadInput['build']>[0]) => {
    const { c, s } = stable(app, stableExtra);
    new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0', ...props } as any);
  };
const ingressWith = (rule: object) => (app: Parameters<BadInput['build']>[0]) => {
  const { c, svc } = service(app);
  new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service: svc, ...rule } as any] });
};
const hpaWith = (props: object) => (app: Parameters<BadInput['build']>[0]) => {
  const { c, s } = stable(app, {
    resources: { cpu: { request: Cpu.millis(100) }, memory: { request: Memory.mebibytes(64) } },
  });
  new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5, ...props } as any);
};

/**
 * Bad inputs for StableDeployment, CanaryDeployment, VersionedService, HostIngress, Autoscaler and the shared pod
 * template.
 */
export const WORKLOAD_ROWS: readonly BadInput[] = [
  // Props as a JavaScript caller may pass them
  {
    construct: 'StableDeployment',
    name: 'a typo in a prop name',
    build: app => stable(app, { replica: 3 }),
    path: 'app/web',
    prop: 'replica',
    value: '3',
    message: "app/web: 'replica' is 3: is not a prop of StableDeployment: did you mean 'replicas'?",
  },
  {
    construct: 'StableDeployment',
    name: 'no image',
    build: app => new StableDeployment(chart(app), 'web', { app: 'web' } as any),
    path: 'app/web',
    prop: 'image',
    value: 'undefined',
    message: "app/web: 'image' is undefined: is required: give a string",
  },
  {
    construct: 'StableDeployment',
    name: 'app null',
    build: app => stable(app, { app: null }),
    path: 'app/web',
    prop: 'app',
    value: 'null',
    message: "app/web: 'app' is null: is required: give a string",
  },
  {
    construct: 'StableDeployment',
    name: 'replicas NaN',
    build: app => stable(app, { replicas: NaN }),
    path: 'app/web',
    prop: 'replicas',
    value: 'NaN',
    message: "app/web: 'replicas' is NaN: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'replicas beyond int32',
    build: app => stable(app, { replicas: 2 ** 31 }),
    path: 'app/web',
    prop: 'replicas',
    value: '2147483648',
    message: "app/web: 'replicas' is 2147483648: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'command given as one string',
    build: app => stable(app, { command: '/bin/sh -c serve' }),
    path: 'app/web',
    prop: 'command',
    value: '"/bin/sh -c serve"',
    message:
      'app/web: \'command\' is "/bin/sh -c serve": must be an array of strings, e.g. ["--port", "8080"] (a single string is not split into words)',
  },
  {
    construct: 'StableDeployment',
    name: 'an argument that is not a string',
    build: app => stable(app, { args: ['--port', 8080] }),
    path: 'app/web',
    prop: 'args[1]',
    value: '8080',
    message: "app/web: 'args[1]' is 8080: must be a string",
  },
  {
    construct: 'StableDeployment',
    name: 'env value that is a number',
    build: app => stable(app, { env: { PORT: 8080 } }),
    path: 'app/web',
    prop: 'env.PORT',
    value: '8080',
    message:
      "app/web: 'env.PORT' is 8080: must be a string or a kplus.EnvValue (Kubernetes takes only string values: quote numbers and booleans)",
  },
  {
    construct: 'StableDeployment',
    name: 'env name with "="',
    build: app => stable(app, { env: { 'A=B': 'x' } }),
    path: 'app/web',
    prop: 'env.A=B',
    value: '"A=B"',
    message:
      'app/web: \'env.A=B\' is "A=B": must be an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)',
  },
  {
    construct: 'StableDeployment',
    name: 'imagePullPolicy in lower case',
    build: app => stable(app, { imagePullPolicy: 'always' }),
    path: 'app/web',
    prop: 'imagePullPolicy',
    value: '"always"',
    message: 'app/web: \'imagePullPolicy\' is "always": must be one of "Always", "IfNotPresent", "Never"',
  },

  // Image references (distribution grammar)
  {
    construct: 'StableDeployment',
    name: 'image with an empty tag',
    build: app => stable(app, { image: 'web:' }),
    path: 'app/web',
    prop: 'image',
    value: '"web:"',
    message: `app/web: 'image' is "web:": has an empty tag after ":": give a tag such as "1.0", or a digest; ${IMAGE_EXAMPLE}`,
  },
  {
    construct: 'StableDeployment',
    name: 'image tagged LATEST',
    build: app => stable(app, { image: 'web:LATEST' }),
    path: 'app/web',
    prop: 'image',
    value: '"web:LATEST"',
    message:
      'app/web: \'image\' is "web:LATEST": must carry an explicit tag other than "latest", or a digest, e.g. "dummy-api:1.0": "latest" changes under you',
  },
  {
    construct: 'StableDeployment',
    name: 'image with a URL scheme',
    build: app => stable(app, { image: 'https://ghcr.io/example/web:1.0' }),
    path: 'app/web',
    prop: 'image',
    value: '"https://ghcr.io/example/web:1.0"',
    message: `app/web: 'image' is "https://ghcr.io/example/web:1.0": must not start with a URL scheme ("https://"): write "registry/path:tag"; ${IMAGE_EXAMPLE}`,
  },
  {
    construct: 'StableDeployment',
    name: 'image with an empty path component',
    build: app => stable(app, { image: 'ghcr.io/example//web:1.0' }),
    path: 'app/web',
    prop: 'image',
    value: '"ghcr.io/example//web:1.0"',
    message: `app/web: 'image' is "ghcr.io/example//web:1.0": has an empty path component ("//" or a "/" at either end); ${IMAGE_EXAMPLE}`,
  },
  {
    construct: 'StableDeployment',
    name: 'image path with upper case',
    build: app => stable(app, { image: 'ghcr.io/Example/web:1.0' }),
    path: 'app/web',
    prop: 'image',
    value: '"ghcr.io/Example/web:1.0"',
    message: `app/web: 'image' is "ghcr.io/Example/web:1.0": has an invalid path component "Example": path components are lower-case letters and digits, joined inside by ".", "_", "__" or "-"; ${IMAGE_EXAMPLE}`,
  },
  {
    construct: 'StableDeployment',
    name: 'image digest of the wrong length',
    build: app => stable(app, { image: `web@sha256:${'a'.repeat(63)}`, version: '1.0' }),
    path: 'app/web',
    prop: 'image',
    value: `"web@sha256:${'a'.repeat(63)}"`,
    message: `app/web: 'image' is "web@sha256:${'a'.repeat(63)}": has an invalid digest "sha256:${'a'.repeat(63)}": give "sha256:" and 64 lower-case hex digits (sha384: 96, sha512: 128); ${IMAGE_EXAMPLE}`,
  },
  {
    construct: 'StableDeployment',
    name: 'digest-only image without a version',
    build: app => stable(app, { image: `web@sha256:${sha256}` }),
    path: 'app/web',
    prop: 'version',
    value: 'undefined',
    message: `app/web: 'version' is undefined: must be given when the image has no tag (it fills the version label; "web@sha256:${sha256}" has only a digest)`,
  },
  {
    construct: 'StableDeployment',
    name: 'image tag that is no label value',
    build: app => stable(app, { image: 'web:_1.0' }),
    path: 'app/web',
    prop: 'image',
    value: '"web:_1.0"',
    message:
      'app/web: \'image\' is "web:_1.0": has the tag "_1.0", which fills the version label but is not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit): set version',
  },

  // Names made from app are reported as app
  {
    construct: 'StableDeployment',
    name: 'app of 70 characters',
    build: app => stable(app, { app: 'a'.repeat(70) }),
    path: 'app/web',
    prop: 'app',
    value: `"${'a'.repeat(70)}"`,
    message: `app/web: 'app' is "${'a'.repeat(70)}": must be a label value: at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
  },
  {
    construct: 'StableDeployment',
    name: 'app that makes an invalid Deployment name',
    build: app => stable(app, { app: 'Web' }),
    path: 'app/web',
    prop: 'app',
    value: '"Web"',
    message:
      'app/web: \'app\' is "Web": makes the default Deployment name "Web-stable", which is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters): use such an app or set name',
  },
  {
    construct: 'StableDeployment',
    name: 'app that makes an invalid container name',
    build: app => stable(app, { app: 'Web', name: 'web' }),
    path: 'app/web',
    prop: 'app',
    value: '"Web"',
    message:
      'app/web: \'app\' is "Web": is also the default container name, which must be a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters): set containerName',
  },

  // Value classes, reported where the workload uses them
  {
    construct: 'StableDeployment',
    name: 'memory amount as the CPU request',
    build: app => stable(app, { resources: { cpu: { request: Memory.mebibytes(64) } } }),
    path: 'app/web',
    prop: 'resources.cpu.request',
    value: '"Memory 64Mi"',
    message:
      'app/web: \'resources.cpu.request\' is "Memory 64Mi": must be a Cpu amount, e.g. Cpu.millis(250) or Cpu.of("0.5")',
  },
  {
    construct: 'StableDeployment',
    name: 'CPU millicores NaN',
    build: app => stable(app, { resources: { cpu: { limit: Cpu.millis(NaN) } } }),
    path: 'app/web',
    prop: 'resources.cpu.limit',
    value: 'NaN',
    message:
      'app/web: \'resources.cpu.limit\' is NaN: must be a finite number >= 0 (given to Cpu.millis), e.g. Cpu.millis(250) or Cpu.of("0.5")',
  },
  {
    construct: 'StableDeployment',
    name: 'memory in millibytes',
    build: app => stable(app, { resources: { memory: { request: Memory.of('100m') } } }),
    path: 'app/web',
    prop: 'resources.memory.request',
    value: '"100m"',
    message:
      'app/web: \'resources.memory.request\' is "100m": must be a whole number of bytes ("m" means milli, not mega: write "Mi" or "M")',
  },
  {
    construct: 'StableDeployment',
    name: 'probe period given as a number',
    build: app => stable(app, { readiness: Probe.http('/ready', { period: 5 as any }) }),
    path: 'app/web',
    prop: 'readiness.period',
    value: '5',
    message: "app/web: 'readiness.period' is 5: must be a Duration (use its static factories) or left out",
  },
  {
    construct: 'StableDeployment',
    name: 'probe timeout below a second',
    build: app => stable(app, { readiness: Probe.http('/ready', { timeout: Duration.millis(500) }) }),
    path: 'app/web',
    prop: 'readiness.timeout',
    value: '"500ms"',
    message: 'app/web: \'readiness.timeout\' is "500ms": must be a whole number of seconds from 1 to 2147483647',
  },
  {
    construct: 'StableDeployment',
    name: 'probe failureThreshold 0',
    build: app => stable(app, { liveness: Probe.tcp({ failureThreshold: 0 }) }),
    path: 'app/web',
    prop: 'liveness.failureThreshold',
    value: '0',
    message: "app/web: 'liveness.failureThreshold' is 0: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'exec probe command as one string',
    build: app => stable(app, { startup: Probe.exec('cat /tmp/ready' as any) }),
    path: 'app/web',
    prop: 'startup.command',
    value: '"cat /tmp/ready"',
    message:
      'app/web: \'startup.command\' is "cat /tmp/ready": must be an array of strings, e.g. ["--port", "8080"] (a single string is not split into words)',
  },
  {
    construct: 'StableDeployment',
    name: 'probe port above 65535',
    build: app => stable(app, { readiness: Probe.tcp({ port: 70000 }) }),
    path: 'app/web',
    prop: 'readiness.port',
    value: '70000',
    message: "app/web: 'readiness.port' is 70000: must be a whole number from 1 to 65535",
  },
  {
    construct: 'StableDeployment',
    name: 'maxSurge count NaN',
    build: app => stable(app, { strategy: UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.count(NaN) }) }),
    path: 'app/web',
    prop: 'strategy.maxSurge',
    value: 'NaN',
    message: "app/web: 'strategy.maxSurge' is NaN: must be a whole number of pods from 0 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'fractional maxUnavailable percentage',
    build: app =>
      stable(app, { strategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(12.5) }) }),
    path: 'app/web',
    prop: 'strategy.maxUnavailable',
    value: '"12.5%"',
    message: 'app/web: \'strategy.maxUnavailable\' is "12.5%": must be a whole percentage from 0 to 100',
  },
  {
    construct: 'StableDeployment',
    name: 'runAsUser beyond int32',
    build: app => stable(app, { security: PodSecurity.restricted({ runAsUser: 2 ** 31 }) }),
    path: 'app/web',
    prop: 'security.runAsUser',
    value: '2147483648',
    message: "app/web: 'security.runAsUser' is 2147483648: must be a whole number from 0 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'fsGroup given as a string',
    build: app => stable(app, { security: PodSecurity.restricted({ fsGroup: '1000' as any }) }),
    path: 'app/web',
    prop: 'security.fsGroup',
    value: '"1000"',
    message: 'app/web: \'security.fsGroup\' is "1000": must be a number or left out',
  },

  // CanaryDeployment
  {
    construct: 'CanaryDeployment',
    name: 'no stable',
    build: app => new CanaryDeployment(chart(app), 'canary', { image: 'web:2.0' } as any),
    path: 'app/canary',
    prop: 'stable',
    value: 'undefined',
    message: "app/canary: 'stable' is undefined: is required: give a construct",
  },
  {
    construct: 'CanaryDeployment',
    name: 'a typo in weight',
    build: canaryOf({ weigth: 10 }),
    path: 'app/canary',
    prop: 'weigth',
    value: '10',
    message: "app/canary: 'weigth' is 10: is not a prop of CanaryDeployment: did you mean 'weight'?",
  },
  {
    construct: 'CanaryDeployment',
    name: 'weight NaN',
    build: canaryOf({ weight: NaN, totalReplicas: 4 }),
    path: 'app/canary',
    prop: 'weight',
    value: 'NaN',
    message: "app/canary: 'weight' is NaN: must be a percentage from 0 to 100",
  },
  {
    construct: 'CanaryDeployment',
    name: 'totalReplicas beyond int32',
    build: canaryOf({ weight: 50, totalReplicas: 2 ** 32 }),
    path: 'app/canary',
    prop: 'totalReplicas',
    value: '4294967296',
    message: "app/canary: 'totalReplicas' is 4294967296: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'CanaryDeployment',
    name: 'stable app that makes an invalid canary name',
    build: canaryOf({}, { app: 'Web', name: 'web', containerName: 'web' }),
    path: 'app/canary',
    prop: 'app',
    value: '"Web"',
    message:
      'app/canary: \'app\' is "Web": (the app of app/web) makes the default Deployment name "Web-canary", which is not a DNS-1123 subdomain: set name',
  },

  // VersionedService
  {
    construct: 'VersionedService',
    name: 'serves a string',
    build: app => new VersionedService(chart(app), 'svc', { serves: 'web' as any, port: 80 }),
    path: 'app/svc',
    prop: 'serves',
    value: '"web"',
    message: 'app/svc: \'serves\' is "web": must be a construct or an array',
  },
  {
    construct: 'VersionedService',
    name: 'serves null among workloads',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: [s, null] as any, port: 80 });
    },
    path: 'app/svc',
    prop: 'serves[1]',
    value: 'null',
    message:
      "app/svc: 'serves[1]' is null: must be a workload construct (StableDeployment, CanaryDeployment, Rollout, PipelineStage, or a cdk8s-plus Deployment or StatefulSet)",
  },
  {
    construct: 'VersionedService',
    name: 'port given as a string',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: '80' as any });
    },
    path: 'app/svc',
    prop: 'port',
    value: '"80"',
    message: 'app/svc: \'port\' is "80": must be a number',
  },
  {
    construct: 'VersionedService',
    name: 'type in lower case',
    build: app => {
      const { c, s } = stable(app);
      new VersionedService(c, 'svc', { serves: s, port: 80, type: 'clusterip' as any });
    },
    path: 'app/svc',
    prop: 'type',
    value: '"clusterip"',
    message: 'app/svc: \'type\' is "clusterip": must be one of "ClusterIP", "NodePort", "LoadBalancer"',
  },
  {
    construct: 'VersionedService',
    name: 'app that makes a Service name over 63 characters',
    build: app => {
      const { c, s } = stable(app, { app: 'a'.repeat(60) });
      new VersionedService(c, 'svc', { serves: s, port: 80 });
    },
    path: 'app/svc',
    prop: 'serves',
    value: 'construct app/web',
    message: `app/svc: 'serves' is construct app/web: has app "${'a'.repeat(60)}", which makes the default Service name "${'a'.repeat(60)}-stable": not a DNS-1035 label (lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters); set name`,
  },

  // HostIngress
  {
    construct: 'HostIngress',
    name: 'wildcard inside a host',
    build: ingressWith({ host: 'a.*.example.com' }),
    path: 'app/ing',
    prop: 'rules[0].host',
    value: '"a.*.example.com"',
    message: `app/ing: 'rules[0].host' is "a.*.example.com": ${HOST}`,
  },
  {
    construct: 'HostIngress',
    name: 'host that is an IP address',
    build: ingressWith({ host: '10.0.0.1' }),
    path: 'app/ing',
    prop: 'rules[0].host',
    value: '"10.0.0.1"',
    message: 'app/ing: \'rules[0].host\' is "10.0.0.1": must be a DNS host name, not an IP address',
  },
  {
    construct: 'HostIngress',
    name: 'path with "//"',
    build: ingressWith({ path: '/api//v1' }),
    path: 'app/ing',
    prop: 'rules[0].path',
    value: '"/api//v1"',
    message: `app/ing: 'rules[0].path' is "/api//v1": ${URL_PATH}`,
  },
  {
    construct: 'HostIngress',
    name: 'path with "/../"',
    build: ingressWith({ path: '/api/../admin' }),
    path: 'app/ing',
    prop: 'rules[0].path',
    value: '"/api/../admin"',
    message: `app/ing: 'rules[0].path' is "/api/../admin": ${URL_PATH}`,
  },
  {
    construct: 'HostIngress',
    name: 'path ending in "/."',
    build: ingressWith({ path: '/api/.' }),
    path: 'app/ing',
    prop: 'rules[0].path',
    value: '"/api/."',
    message: `app/ing: 'rules[0].path' is "/api/.": ${URL_PATH}`,
  },
  {
    construct: 'HostIngress',
    name: 'path with a space',
    build: ingressWith({ path: '/my api' }),
    path: 'app/ing',
    prop: 'rules[0].path',
    value: '"/my api"',
    message: `app/ing: 'rules[0].path' is "/my api": ${URL_PATH}`,
  },
  {
    construct: 'HostIngress',
    name: 'pathType in lower case',
    build: ingressWith({ pathType: 'prefix' }),
    path: 'app/ing',
    prop: 'rules[0].pathType',
    value: '"prefix"',
    message: 'app/ing: \'rules[0].pathType\' is "prefix": must be one of "Prefix", "Exact", "ImplementationSpecific"',
  },
  {
    construct: 'HostIngress',
    name: 'a typo in a rule prop',
    build: ingressWith({ hots: 'b.example.com' }),
    path: 'app/ing',
    prop: 'rules[0].hots',
    value: '"b.example.com"',
    message:
      "app/ing: 'rules[0].hots' is \"b.example.com\": is not a prop of HostIngress: did you mean 'rules[0].host'?",
  },
  {
    construct: 'HostIngress',
    name: 'construct id that makes an invalid name',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'My_Ingress', { rules: [{ host: 'a.example.com', service: svc }] });
    },
    path: 'app/My_Ingress',
    prop: 'name',
    value: 'undefined',
    message:
      'app/My_Ingress: \'name\' is undefined: must be given: the default, the construct id lower-cased ("my_ingress"), is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)',
  },
  {
    construct: 'HostIngress',
    name: 'canary without a split',
    build: app => {
      const { c, svc } = service(app);
      const p = new HostIngress(c, 'main', { rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', { canary: { primary: p } as any, rules: [{ host: 'a.example.com', service: svc }] });
    },
    path: 'app/ing',
    prop: 'canary.split',
    value: 'undefined',
    message: "app/ing: 'canary.split' is undefined: is required: give a value",
  },
  {
    construct: 'HostIngress',
    name: 'canary of a canary',
    build: app => {
      const { c, svc } = service(app);
      const rules = [{ host: 'a.example.com', service: svc }];
      const p = new HostIngress(c, 'main', { rules });
      const q = new HostIngress(c, 'first', { canary: { primary: p, split: NginxCanary.weight(5) }, rules });
      new HostIngress(c, 'ing', { canary: { primary: q, split: NginxCanary.weight(5) }, rules });
    },
    path: 'app/ing',
    prop: 'canary.primary',
    value: 'construct app/first',
    message:
      "app/ing: 'canary.primary' is construct app/first: is itself a canary Ingress: ingress-nginx pairs a canary only with a primary (non-canary) Ingress",
  },
  {
    construct: 'HostIngress',
    name: 'canary header value with a line break',
    build: app => {
      const { c, svc } = service(app);
      const rules = [{ host: 'a.example.com', service: svc }];
      const p = new HostIngress(c, 'main', { rules });
      new HostIngress(c, 'ing', {
        canary: { primary: p, split: NginxCanary.header('X-Canary', 'yes\nX-Admin: 1') },
        rules,
      });
    },
    path: 'app/ing',
    prop: 'canary.split.value',
    value: '"yes\\nX-Admin: 1"',
    message:
      'app/ing: \'canary.split.value\' is "yes\\nX-Admin: 1": must be a header value: 1 to 1024 visible ASCII characters, single spaces inside',
  },

  // Autoscaler
  {
    construct: 'Autoscaler',
    name: 'selectPolicy in lower case',
    build: hpaWith({ scaleUp: { selectPolicy: 'max' } }),
    path: 'app/hpa',
    prop: 'scaleUp.selectPolicy',
    value: '"max"',
    message: 'app/hpa: \'scaleUp.selectPolicy\' is "max": must be one of "Max", "Min", "Disabled"',
  },
  {
    construct: 'Autoscaler',
    name: 'tolerance given in percent',
    build: hpaWith({ scaleDown: { tolerance: 5 } }),
    path: 'app/hpa',
    prop: 'scaleDown.tolerance',
    value: '5',
    message: "app/hpa: 'scaleDown.tolerance' is 5: must be a fraction from 0 up to (not including) 1, e.g. 0.05 for 5%",
  },
  {
    construct: 'Autoscaler',
    name: 'policy type in lower case',
    build: hpaWith({ scaleUp: { policies: [{ type: 'pods', value: 1, period: Duration.minutes(1) }] } }),
    path: 'app/hpa',
    prop: 'scaleUp.policies[0].type',
    value: '"pods"',
    message: 'app/hpa: \'scaleUp.policies[0].type\' is "pods": must be one of "Pods", "Percent"',
  },
  {
    construct: 'Autoscaler',
    name: 'policy period above 1800 s',
    build: hpaWith({ scaleDown: { policies: [{ type: 'Percent', value: 10, period: Duration.seconds(1801) }] } }),
    path: 'app/hpa',
    prop: 'scaleDown.policies[0].period',
    value: '"1801s"',
    message: 'app/hpa: \'scaleDown.policies[0].period\' is "1801s": must be whole seconds from 1 to 1800',
  },
  {
    construct: 'Autoscaler',
    name: 'policy without a period',
    build: hpaWith({ scaleDown: { policies: [{ type: 'Pods', value: 1 }] } }),
    path: 'app/hpa',
    prop: 'scaleDown.policies[0].period',
    value: 'undefined',
    message:
      "app/hpa: 'scaleDown.policies[0].period' is undefined: is required: give a Duration from 1 to 1800 seconds, e.g. Duration.minutes(1)",
  },
  {
    construct: 'Autoscaler',
    name: 'empty policy list',
    build: hpaWith({ scaleDown: { policies: [] } }),
    path: 'app/hpa',
    prop: 'scaleDown.policies',
    value: '[]',
    message:
      "app/hpa: 'scaleDown.policies' is []: must hold at least one policy, or be left out for Kubernetes' default policies",
  },
  {
    construct: 'Autoscaler',
    name: 'stabilization window above 3600 s',
    build: hpaWith({ scaleDown: { stabilizationWindow: Duration.seconds(3601) } }),
    path: 'app/hpa',
    prop: 'scaleDown.stabilizationWindow',
    value: '"3601s"',
    message: 'app/hpa: \'scaleDown.stabilizationWindow\' is "3601s": must be whole seconds from 0 to 3600',
  },
  {
    construct: 'Autoscaler',
    name: 'no maxReplicas',
    build: hpaWith({ maxReplicas: undefined }),
    path: 'app/hpa',
    prop: 'maxReplicas',
    value: 'undefined',
    message: "app/hpa: 'maxReplicas' is undefined: is required: give a number",
  },
  {
    construct: 'Autoscaler',
    name: 'fractional minReplicas',
    build: hpaWith({ minReplicas: 1.5 }),
    path: 'app/hpa',
    prop: 'minReplicas',
    value: '1.5',
    message: "app/hpa: 'minReplicas' is 1.5: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'Autoscaler',
    name: 'target that is not a workload',
    build: hpaWith({ target: 'web' }),
    path: 'app/hpa',
    prop: 'target',
    value: '"web"',
    message: 'app/hpa: \'target\' is "web": must be a construct',
  },
  {
    construct: 'Autoscaler',
    name: 'metric that is not a ScalingMetric',
    build: hpaWith({ metrics: ['cpu'] }),
    path: 'app/hpa',
    prop: 'metrics[0]',
    value: '"cpu"',
    message: 'app/hpa: \'metrics[0]\' is "cpu": must be a ScalingMetric (ScalingMetric.cpuUtilization(80), ...)',
  },
  {
    construct: 'Autoscaler',
    name: 'memory amount as a CPU average value',
    build: hpaWith({ metrics: [ScalingMetric.cpuAverageValue(Memory.mebibytes(5) as any)] }),
    path: 'app/hpa',
    prop: 'metrics[0].averageValue',
    value: '"Memory 5Mi"',
    message:
      'app/hpa: \'metrics[0].averageValue\' is "Memory 5Mi": must be a Cpu amount, e.g. Cpu.millis(250) or Cpu.of("0.5")',
  },
  {
    construct: 'Autoscaler',
    name: 'utilization NaN',
    build: hpaWith({ metrics: [ScalingMetric.cpuUtilization(NaN)] }),
    path: 'app/hpa',
    prop: 'metrics[0].utilization',
    value: 'NaN',
    message:
      "app/hpa: 'metrics[0].utilization' is NaN: must be a whole percentage from 1 to 2147483647 (of the request; above 100 is allowed)",
  },
  {
    construct: 'Autoscaler',
    name: 'target name that makes the default name too long',
    build: app => {
      const { c, s } = stable(app, { ...withRequest, name: 'a'.repeat(250) });
      new Autoscaler(c, 'hpa', { target: s, maxReplicas: 5 });
    },
    path: 'app/hpa',
    prop: 'target',
    value: 'construct app/web',
    message:
      'app/hpa: \'target\' is construct app/web: makes the default name (its name and "-autoscaler", 261 characters) not a DNS-1123 subdomain of at most 253 characters: set name',
  },
  {
    construct: 'StableDeployment',
    name: 'minReady at the default progress deadline',
    build: app => stable(app, { minReady: Duration.minutes(10) }),
    path: 'app/web',
    prop: 'minReady',
    value: '"600s"',
    message:
      'app/web: \'minReady\' is "600s": must be shorter than the progress deadline, 600s by default (the API server refuses the object otherwise); set progressDeadline longer, or minReady shorter',
  },
  {
    construct: 'StableDeployment',
    name: 'label key named constructor',
    build: app => stable(app, { labelKeys: { app: 'constructor' } }),
    path: 'app/web',
    prop: 'labelKeys.app',
    value: '"constructor"',
    message:
      'app/web: \'labelKeys.app\' is "constructor": is a reserved JavaScript name that cdk8s cannot write as a label key: use a prefixed key such as "example.com/app"',
  },

  // cdk8s-plus workloads and Services beside the library's
  {
    construct: 'Autoscaler',
    name: 'cdk8s-plus Deployment with a fixed replica count',
    build: app => {
      const c = chart(app);
      const web = new kplus.Deployment(c, 'plus', { replicas: 3, containers: [{ image: 'nginx:1.25' }] });
      new Autoscaler(c, 'hpa', { target: web, maxReplicas: 5 });
    },
    path: 'app/hpa',
    prop: 'target',
    value: 'construct app/plus',
    message:
      "app/hpa: 'target' is construct app/plus: sets replicas (3): leave it unset, app/hpa owns the replica count (its minReplicas is the starting count); cdk8s-plus's own autoscaler refuses a fixed count too",
  },
  {
    construct: 'Autoscaler',
    name: 'CPU utilization with a container of the pod lacking a CPU request',
    build: app => {
      const c = chart(app);
      const web = new kplus.Deployment(c, 'plus', {
        containers: [
          { name: 'app', image: 'nginx:1.25', resources: { cpu: { request: kplus.Cpu.millis(100) } } },
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', resources: { memory: { request: Size.mebibytes(64) } } },
        ],
      });
      new Autoscaler(c, 'hpa', { target: web, maxReplicas: 5 });
    },
    path: 'app/hpa',
    prop: 'metrics[0]',
    value: '"cpu utilization 80%"',
    message:
      'app/hpa: \'metrics[0]\' is "cpu utilization 80%": needs a cpu request on every container of app/plus, native sidecars included (utilization is the pod\'s usage divided by the sum of their requests): "proxy" has none; set resources.cpu.request there',
  },
  {
    construct: 'Autoscaler',
    name: 'cdk8s-plus autoscaler on CPU utilization of a workload without a CPU request',
    build: app => {
      const { c, s } = stable(app);
      new kplus.HorizontalPodAutoscaler(c, 'hpa', {
        target: s,
        maxReplicas: 5,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
      });
    },
    path: 'app/hpa',
    prop: 'metrics[0]',
    value: '"cpu utilization"',
    message:
      '[app/hpa] \'metrics[0]\' is "cpu utilization": needs a cpu request on app/web: utilization is usage divided by the request; set resources.cpu.request there',
  },
  {
    construct: 'VersionedService',
    name: 'cdk8s-plus workload whose selector shares no label with the others',
    build: app => {
      const { c, s } = stable(app);
      const plus = new kplus.Deployment(c, 'plus', {
        select: false,
        podMetadata: { labels: { app: 'legacy' } },
        containers: [{ image: 'nginx:1.25', portNumber: 8080 }],
      });
      plus.select(kplus.LabelSelector.of({ labels: { app: 'legacy' } }));
      new VersionedService(c, 'svc', { serves: [s, plus], port: 80 });
    },
    path: 'app/svc',
    prop: 'serves[1]',
    value: 'construct app/plus',
    message:
      'app/svc: \'serves[1]\' is construct app/plus: selects its pods by {"app":"legacy"}, which shares no label with {"app.kubernetes.io/name":"web","app.kubernetes.io/track":"stable"}: a Service selects the pods of every workload it serves by labels they all carry; give its selector the app label (select(kplus.LabelSelector.of({ labels: ... })))',
  },
  {
    construct: 'HostIngress',
    name: 'cdk8s-plus Service of several ports without a port',
    build: app => {
      const c = chart(app);
      const service = new kplus.Service(c, 'plus', {
        metadata: { name: 'plus' },
        ports: [
          { port: 80, name: 'http' },
          { port: 9090, name: 'metrics' },
        ],
      });
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service }] });
    },
    path: 'app/ing',
    prop: 'rules[0].port',
    value: 'undefined',
    message: 'app/ing: \'rules[0].port\' is undefined: must be given: Service "plus" has http/80, metrics/9090',
  },
  {
    construct: 'HostIngress',
    name: 'service that is a Deployment',
    build: app => {
      const c = chart(app);
      const plus = new kplus.Deployment(c, 'plus', { containers: [{ image: 'nginx:1.25' }] });
      new HostIngress(c, 'ing', { rules: [{ host: 'a.example.com', service: plus as any }] });
    },
    path: 'app/ing',
    prop: 'rules[0].service',
    value: 'construct app/plus',
    message:
      "app/ing: 'rules[0].service' is construct app/plus: must be a VersionedService or a cdk8s-plus Service construct",
  },
];

import { App, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Autoscaler,
  CanaryDeployment,
  Cpu,
  DisruptionBudget,
  IntOrPercent,
  NatsCredentials,
  NatsServer,
  PipelineStage,
  PodSecurity,
  PodVolume,
  Probe,
  Rollout,
  RolloutStrategy,
  ScalingMetric,
  StableDeployment,
  VersionedService,
} from '../../../lib';
import { BadInput, chart, stable, stage, web } from '../bad-input-kit';

type Build = (app: App) => void;
/** A StableDeployment `app/web` whose props get `extra`, made by a function of its chart (for kplus objects). */
const stableWith =
  (extra: (c: ReturnType<typeof chart>) => object): Build =>
  app => {
    const c = chart(app);
    new StableDeployment(c, 'web', { ...web, ...extra(c) } as any);
  };
const budget = (disruptionBudget: object, extra: object = {}): Build =>
  stableWith(() => ({ replicas: 3, disruptionBudget, ...extra }));
const rolloutBudget =
  (disruptionBudget: object): Build =>
  app =>
    new Rollout(chart(app), 'web', {
      ...web,
      replicas: 3,
      strategy: RolloutStrategy.canary(),
      disruptionBudget,
    } as any);
const emptyDir = (c: ReturnType<typeof chart>, id: string, name: string) => kplus.Volume.fromEmptyDir(c, id, name);
const secret = (c: ReturnType<typeof chart>, name = 'shop-db') => kplus.Secret.fromSecretName(c, `s-${name}`, name);

/** Bad inputs for the pod options every workload construct takes, and for disruption budgets. */
export const POD_SPEC_ROWS: readonly BadInput[] = [
  // Env values, envFrom
  {
    construct: 'StableDeployment',
    name: 'an EnvValue with neither a value nor a source',
    build: stableWith(() => ({ env: { TOKEN: kplus.EnvValue.fromProcess('CDK8S_DELIVERY_SURELY_UNSET') } })),
    path: 'app/web',
    prop: 'env.TOKEN',
    value: 'undefined',
    message:
      "app/web: 'env.TOKEN' is undefined: must be an EnvValue with a string value or a source (EnvValue.fromProcess of an unset variable has neither)",
  },
  {
    construct: 'StableDeployment',
    name: 'an env value from a Secret key that is no key',
    build: stableWith(c => ({ env: { DB: kplus.EnvValue.fromSecretValue({ secret: secret(c), key: 'a/b' }) } })),
    path: 'app/web',
    prop: 'env.DB.key',
    value: '"a/b"',
    message: 'app/web: \'env.DB.key\' is "a/b": must be a Secret key: at most 253 letters, digits, "-", "_" and "."',
  },
  {
    construct: 'StableDeployment',
    name: 'an env value from a Secret whose name is no object name',
    build: stableWith(c => ({
      env: { DB: kplus.EnvValue.fromSecretValue({ secret: secret(c, 'Shop_DB'), key: 'url' }) },
    })),
    path: 'app/web',
    prop: 'env.DB.name',
    value: '"Shop_DB"',
    message:
      'app/web: \'env.DB.name\' is "Shop_DB": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit, at most 253 characters',
  },
  {
    construct: 'StableDeployment',
    name: 'envFrom a ConfigMap name instead of a kplus.EnvFrom',
    build: stableWith(() => ({ envFrom: ['shop-config'] })),
    path: 'app/web',
    prop: 'envFrom[0]',
    value: '"shop-config"',
    message:
      'app/web: \'envFrom[0]\' is "shop-config": must be a kplus.EnvFrom, made by Env.fromSecret or Env.fromConfigMap',
  },
  // Volumes and mounts
  {
    construct: 'StableDeployment',
    name: 'a mount path that is not absolute',
    build: stableWith(c => ({ mounts: [{ volume: emptyDir(c, 'v', 'cache'), path: 'var/cache' }] })),
    path: 'app/web',
    prop: 'mounts[0].path',
    value: '"var/cache"',
    message:
      'app/web: \'mounts[0].path\' is "var/cache": must be an absolute path without ":" or ".." segments, e.g. "/etc/app/tls"',
  },
  {
    construct: 'StableDeployment',
    name: 'two mounts at one path',
    build: stableWith(c => ({
      mounts: [
        { volume: emptyDir(c, 'a', 'a'), path: '/data' },
        { volume: emptyDir(c, 'b', 'b'), path: '/data' },
      ],
    })),
    path: 'app/web',
    prop: 'mounts[1].path',
    value: '"/data"',
    message: 'app/web: \'mounts[1].path\' is "/data": must differ from the other mount paths of the container',
  },
  {
    construct: 'StableDeployment',
    name: 'a mount over the writable /tmp',
    build: stableWith(c => ({ mounts: [{ volume: emptyDir(c, 'v', 'scratch'), path: '/tmp' }] })),
    path: 'app/web',
    prop: 'mounts[0].path',
    value: '"/tmp"',
    message:
      'app/web: \'mounts[0].path\' is "/tmp": must differ from /tmp, where the writable emptyDir of PodSecurity is mounted (set writableTmp: false to mount your own)',
  },
  {
    construct: 'StableDeployment',
    name: 'a mount without a volume',
    build: stableWith(() => ({ mounts: [{ path: '/data' }] })),
    path: 'app/web',
    prop: 'mounts[0].volume',
    value: 'undefined',
    message:
      "app/web: 'mounts[0].volume' is undefined: is required: give a kplus.Volume (Volume.fromSecret ...) or a PodVolume",
  },
  {
    construct: 'StableDeployment',
    name: 'two different volumes of one name',
    build: stableWith(c => ({
      mounts: [
        { volume: emptyDir(c, 'a', 'cache'), path: '/a' },
        { volume: emptyDir(c, 'b', 'cache'), path: '/b' },
      ],
    })),
    path: 'app/web',
    prop: 'mounts[1].volume.name',
    value: '"cache"',
    message:
      'app/web: \'mounts[1].volume.name\' is "cache": must differ from the name of the volume at app/a: give the volume a name',
  },
  {
    construct: 'StableDeployment',
    name: 'a volume named tmp beside the writable /tmp',
    build: stableWith(c => ({ mounts: [{ volume: emptyDir(c, 'v', 'tmp'), path: '/scratch' }] })),
    path: 'app/web',
    prop: 'mounts[0].volume.name',
    value: '"tmp"',
    message:
      'app/web: \'mounts[0].volume.name\' is "tmp": must differ from the name of the writable /tmp: give the volume a name',
  },
  {
    construct: 'StableDeployment',
    name: 'an absolute subPath',
    build: stableWith(c => ({ mounts: [{ volume: emptyDir(c, 'v', 'cache'), path: '/a', subPath: '/etc' }] })),
    path: 'app/web',
    prop: 'mounts[0].subPath',
    value: '"/etc"',
    message: 'app/web: \'mounts[0].subPath\' is "/etc": must be a relative path without ".." segments',
  },
  {
    construct: 'StableDeployment',
    name: 'a projected volume with no source',
    build: stableWith(() => ({ mounts: [{ volume: PodVolume.projected('certs', {}), path: '/certs' }] })),
    path: 'app/web',
    prop: 'mounts[0].volume',
    value: '{"projected":"certs"}',
    message:
      'app/web: \'mounts[0].volume\' is {"projected":"certs"}: must project at least one Secret, ConfigMap or service account token',
  },
  {
    construct: 'StableDeployment',
    name: 'a projected token valid for less than 10 minutes',
    build: stableWith(() => ({
      mounts: [
        {
          volume: PodVolume.projected('token', {
            serviceAccountToken: { path: 'token', audience: 'vault', expiration: Duration.minutes(5) },
          }),
          path: '/var/run/token',
        },
      ],
    })),
    path: 'app/web',
    prop: 'mounts[0].volume.serviceAccountToken.expiration',
    value: '"300000ms"',
    message:
      'app/web: \'mounts[0].volume.serviceAccountToken.expiration\' is "300000ms": must be a whole number of seconds from 600 to 2147483647',
  },
  {
    construct: 'StableDeployment',
    name: 'an emptyDir size limit in CPU',
    build: stableWith(() => ({
      mounts: [{ volume: PodVolume.emptyDir('scratch', { sizeLimit: Cpu.millis(100) as any }), path: '/scratch' }],
    })),
    path: 'app/web',
    prop: 'mounts[0].volume.sizeLimit',
    value: '{"value":0.1,"text":"100m","resource":"cpu"}',
    message:
      'app/web: \'mounts[0].volume.sizeLimit\' is {"value":0.1,"text":"100m","resource":"cpu"}: must be a Memory (use its static factories) or left out',
  },
  {
    construct: 'StableDeployment',
    name: 'an NFS volume under the restricted standard',
    build: stableWith(c => ({
      mounts: [
        { volume: kplus.Volume.fromNfs(c, 'v', 'shared', { server: 'nfs.example.com', path: '/' }), path: '/shared' },
      ],
    })),
    path: 'app/web',
    prop: 'mounts[0].volume',
    value: '"nfs volume shared"',
    message:
      'app/web: \'mounts[0].volume\' is "nfs volume shared": must be a volume type the "restricted" Pod Security Standard allows (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret), or the pod\'s security must be PodSecurity.baseline()',
  },
  {
    construct: 'StableDeployment',
    name: 'a hostPath volume',
    build: stableWith(c => ({
      security: PodSecurity.baseline(),
      mounts: [{ volume: kplus.Volume.fromHostPath(c, 'v', 'host', { path: '/var/log' }), path: '/host' }],
    })),
    path: 'app/web',
    prop: 'mounts[0].volume',
    value: '"hostPath volume host"',
    message:
      'app/web: \'mounts[0].volume\' is "hostPath volume host": must not be a hostPath volume: it reaches into the node, which only the "privileged" Pod Security Standard allows',
  },
  // Service account and pull secrets
  {
    construct: 'StableDeployment',
    name: 'a service account given by name',
    build: stableWith(() => ({ serviceAccount: 'shop' })),
    path: 'app/web',
    prop: 'serviceAccount',
    value: '"shop"',
    message: 'app/web: \'serviceAccount\' is "shop": must be a construct or left out',
  },
  {
    construct: 'StableDeployment',
    name: 'a pull secret given by name',
    build: stableWith(() => ({ imagePullSecrets: ['ghcr'] })),
    path: 'app/web',
    prop: 'imagePullSecrets[0]',
    value: '"ghcr"',
    message: 'app/web: \'imagePullSecrets[0]\' is "ghcr": must be a kplus.ISecret (Secret.fromSecretName)',
  },
  // Extra, init and sidecar containers
  {
    construct: 'StableDeployment',
    name: 'an extra container without an image',
    build: stableWith(() => ({ containers: [{ name: 'helper' }] })),
    path: 'app/web',
    prop: 'containers[0].image',
    value: 'undefined',
    message: "app/web: 'containers[0].image' is undefined: is required: give a string",
  },
  {
    construct: 'StableDeployment',
    name: 'a sidecar image tagged latest',
    build: stableWith(() => ({ sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:latest' }] })),
    path: 'app/web',
    prop: 'sidecars[0].image',
    value: '"envoyproxy/envoy:latest"',
    message:
      'app/web: \'sidecars[0].image\' is "envoyproxy/envoy:latest": must carry an explicit tag other than "latest", or a digest, e.g. "dummy-api:1.0": "latest" changes under you',
  },
  {
    construct: 'StableDeployment',
    name: 'an extra container named as the main one',
    build: stableWith(() => ({ containers: [{ name: 'web', image: 'helper:1.0' }] })),
    path: 'app/web',
    prop: 'containers[0].name',
    value: '"web"',
    message: 'app/web: \'containers[0].name\' is "web": must differ from the names of the other containers of the pod',
  },
  {
    construct: 'StableDeployment',
    name: "a sidecar port that is the main container's",
    build: stableWith(() => ({
      sidecars: [{ name: 'proxy', image: 'proxy:1.0', ports: [{ name: 'proxy', number: 8080 }] }],
    })),
    path: 'app/web',
    prop: 'sidecars[0].ports[0].number',
    value: '8080',
    message:
      "app/web: 'sidecars[0].ports[0].number' is 8080: must differ from the number of the main container's port: the containers of a pod share one network",
  },
  {
    construct: 'StableDeployment',
    name: 'an init container with a probe',
    build: stableWith(() => ({
      initContainers: [{ name: 'migrate', image: 'migrate:1.0', readiness: Probe.exec(['true']) }],
    })),
    path: 'app/web',
    prop: 'initContainers[0].readiness',
    value: '"Probe"',
    message:
      'app/web: \'initContainers[0].readiness\' is "Probe": must be left out: an init container runs to completion before the app starts; make it a sidecar to probe it',
  },
  {
    construct: 'StableDeployment',
    name: 'a sidecar limit below its request',
    build: stableWith(() => ({
      sidecars: [
        { name: 'proxy', image: 'proxy:1.0', resources: { cpu: { request: Cpu.millis(200), limit: Cpu.millis(100) } } },
      ],
    })),
    path: 'app/web',
    prop: 'sidecars[0].resources.cpu.limit',
    value: '"100m"',
    message: 'app/web: \'sidecars[0].resources.cpu.limit\' is "100m": must be at least the request (200m)',
  },
  {
    construct: 'StableDeployment',
    name: 'a typo in an extra container prop',
    build: stableWith(() => ({ containers: [{ name: 'helper', image: 'helper:1.0', imagePullpolicy: 'Always' }] })),
    path: 'app/web',
    prop: 'containers[0].imagePullpolicy',
    value: '"Always"',
    message:
      "app/web: 'containers[0].imagePullpolicy' is \"Always\": is not a prop of StableDeployment: did you mean 'containers[0].imagePullPolicy'?",
  },
  // Scheduling and shutdown
  {
    construct: 'StableDeployment',
    name: 'a node selector value that is no label value',
    build: stableWith(() => ({ nodeSelector: { 'kubernetes.io/os': 'linux os' } })),
    path: 'app/web',
    prop: 'nodeSelector.kubernetes.io/os',
    value: '"linux os"',
    message:
      'app/web: \'nodeSelector.kubernetes.io/os\' is "linux os": must be a label value: at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  },
  {
    construct: 'StableDeployment',
    name: 'a toleration without a key that is not Exists',
    build: stableWith(() => ({ tolerations: [{ value: 'shop', effect: 'NoSchedule' }] })),
    path: 'app/web',
    prop: 'tolerations[0].key',
    value: 'undefined',
    message:
      'app/web: \'tolerations[0].key\' is undefined: must be given unless operator is "Exists" (which then tolerates every taint)',
  },
  {
    construct: 'StableDeployment',
    name: 'an Exists toleration with a value',
    build: stableWith(() => ({ tolerations: [{ key: 'dedicated', operator: 'Exists', value: 'shop' }] })),
    path: 'app/web',
    prop: 'tolerations[0].value',
    value: '"shop"',
    message: 'app/web: \'tolerations[0].value\' is "shop": must be left out with operator "Exists"',
  },
  {
    construct: 'StableDeployment',
    name: 'tolerationSeconds without the NoExecute effect',
    build: stableWith(() => ({
      tolerations: [{ key: 'dedicated', effect: 'NoSchedule', value: 'x', tolerationSeconds: Duration.seconds(30) }],
    })),
    path: 'app/web',
    prop: 'tolerations[0].tolerationSeconds',
    value: '"30s"',
    message: 'app/web: \'tolerations[0].tolerationSeconds\' is "30s": only applies with effect "NoExecute"',
  },
  {
    construct: 'StableDeployment',
    name: 'a toleration effect that does not exist',
    build: stableWith(() => ({ tolerations: [{ key: 'dedicated', value: 'x', effect: 'NoRun' }] })),
    path: 'app/web',
    prop: 'tolerations[0].effect',
    value: '"NoRun"',
    message:
      'app/web: \'tolerations[0].effect\' is "NoRun": must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"',
  },
  {
    construct: 'StableDeployment',
    name: 'a topology spread maxSkew of 0',
    build: stableWith(() => ({ topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 0 }] })),
    path: 'app/web',
    prop: 'topologySpread[0].maxSkew',
    value: '0',
    message: "app/web: 'topologySpread[0].maxSkew' is 0: must be a whole number from 1 to 2147483647",
  },
  {
    construct: 'StableDeployment',
    name: 'a topology spread whenUnsatisfiable that does not exist',
    build: stableWith(() => ({
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'Never' }],
    })),
    path: 'app/web',
    prop: 'topologySpread[0].whenUnsatisfiable',
    value: '"Never"',
    message:
      'app/web: \'topologySpread[0].whenUnsatisfiable\' is "Never": must be one of "DoNotSchedule", "ScheduleAnyway"',
  },
  {
    construct: 'StableDeployment',
    name: 'minDomains on a soft topology spread',
    build: stableWith(() => ({ topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', minDomains: 3 }] })),
    path: 'app/web',
    prop: 'topologySpread[0].minDomains',
    value: '3',
    message: 'app/web: \'topologySpread[0].minDomains\' is 3: only applies with whenUnsatisfiable "DoNotSchedule"',
  },
  {
    construct: 'StableDeployment',
    name: 'a node affinity operator that does not exist',
    build: stableWith(() => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'Equals', values: ['amd64'] }] },
            ],
          },
        },
      },
    })),
    path: 'app/web',
    prop: 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator',
    value: '"Equals"',
    message:
      'app/web: \'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator\' is "Equals": must be one of "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"',
  },
  {
    construct: 'StableDeployment',
    name: 'a pod anti-affinity weight above 100',
    build: stableWith(() => ({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 200, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } },
          ],
        },
      },
    })),
    path: 'app/web',
    prop: 'affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight',
    value: '200',
    message:
      "app/web: 'affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight' is 200: must be a whole number from 1 to 100",
  },
  {
    construct: 'StableDeployment',
    name: 'a priority class name that is no object name',
    build: stableWith(() => ({ priorityClassName: 'High Priority' })),
    path: 'app/web',
    prop: 'priorityClassName',
    value: '"High Priority"',
    message:
      'app/web: \'priorityClassName\' is "High Priority": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit, at most 253 characters',
  },
  {
    construct: 'StableDeployment',
    name: 'a preStop sleep as long as the grace period',
    build: stableWith(() => ({ preStopSleep: Duration.seconds(30) })),
    path: 'app/web',
    prop: 'preStopSleep',
    value: '"30s"',
    message:
      'app/web: \'preStopSleep\' is "30s": must be shorter than the termination grace period (30s, the default): the kubelet kills the container when it ends; raise terminationGracePeriod',
  },
  // Labels and annotations
  {
    construct: 'StableDeployment',
    name: 'a pod label that overrides an identity label',
    build: stableWith(() => ({ podMetadata: { labels: { 'app.kubernetes.io/track': 'canary' } } })),
    path: 'app/web',
    prop: 'podMetadata.labels.app.kubernetes.io/track',
    value: '"canary"',
    message:
      'app/web: \'podMetadata.labels.app.kubernetes.io/track\' is "canary": must be left out: the library sets this label itself (the identity and selector labels are its own)',
  },
  {
    construct: 'StableDeployment',
    name: 'an object label that overrides an identity label',
    build: stableWith(() => ({ labels: { 'app.kubernetes.io/version': '2.0' } })),
    path: 'app/web',
    prop: 'labels.app.kubernetes.io/version',
    value: '"2.0"',
    message:
      'app/web: \'labels.app.kubernetes.io/version\' is "2.0": must be left out: the library sets this label itself (the identity and selector labels are its own)',
  },
  {
    construct: 'StableDeployment',
    name: 'an annotation value that is not a string',
    build: stableWith(() => ({ annotations: { 'example.com/replicas': 3 } })),
    path: 'app/web',
    prop: 'annotations.example.com/replicas',
    value: '3',
    message: "app/web: 'annotations.example.com/replicas' is 3: must be a string",
  },
  // Disruption budgets
  {
    construct: 'DisruptionBudget',
    name: 'neither minAvailable nor maxUnavailable',
    build: budget({}),
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: 'undefined',
    message:
      "app/web/DisruptionBudget: 'minAvailable' is undefined: must be set, or maxUnavailable: say how many pods a node drain must leave running",
  },
  {
    construct: 'DisruptionBudget',
    name: 'both minAvailable and maxUnavailable',
    build: budget({ minAvailable: IntOrPercent.count(1), maxUnavailable: IntOrPercent.count(1) }),
    path: 'app/web/DisruptionBudget',
    prop: 'maxUnavailable',
    value: '1',
    message:
      "app/web/DisruptionBudget: 'maxUnavailable' is 1: must not be set together with minAvailable: give one of the two",
  },
  {
    construct: 'DisruptionBudget',
    name: 'maxUnavailable 0',
    build: budget({ maxUnavailable: IntOrPercent.percent(0) }),
    path: 'app/web/DisruptionBudget',
    prop: 'maxUnavailable',
    value: '"0%"',
    message:
      'app/web/DisruptionBudget: \'maxUnavailable\' is "0%": must be above 0: a budget that lets no pod go blocks every node drain for ever',
  },
  {
    construct: 'DisruptionBudget',
    name: 'minAvailable 100%',
    build: budget({ minAvailable: IntOrPercent.percent(100) }),
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: '"100%"',
    message:
      'app/web/DisruptionBudget: \'minAvailable\' is "100%": must be below 100%: with every pod required, no node drain can evict any',
  },
  {
    construct: 'DisruptionBudget',
    name: 'minAvailable 0',
    build: budget({ minAvailable: IntOrPercent.count(0) }),
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: '0',
    message:
      "app/web/DisruptionBudget: 'minAvailable' is 0: must be above 0: a budget that requires no pod protects nothing; leave it out instead",
  },
  {
    construct: 'DisruptionBudget',
    name: 'minAvailable at the replica count',
    build: budget({ minAvailable: IntOrPercent.count(3) }),
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: '3',
    message:
      "[app/web/DisruptionBudget] 'minAvailable' is 3: must leave a pod to evict: 3 of 3 pods required is at or above the replica count of app/web (3), so no node drain could evict any; lower minAvailable or run more pods",
  },
  {
    construct: 'DisruptionBudget',
    name: "minAvailable at the autoscaler's minimum",
    build: app => {
      const c = chart(app);
      const s = new StableDeployment(c, 'web', {
        ...web,
        resources: { cpu: { request: Cpu.millis(100) } },
        disruptionBudget: { minAvailable: IntOrPercent.count(2) },
      });
      new Autoscaler(c, 'hpa', {
        target: s,
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [ScalingMetric.cpuUtilization(70)],
      });
    },
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: '2',
    message:
      "[app/web/DisruptionBudget] 'minAvailable' is 2: must leave a pod to evict: 2 of 2 pods required is at or above the minimum of the autoscaler on app/web (2), so no node drain could evict any; lower minAvailable or run more pods",
  },
  {
    construct: 'DisruptionBudget',
    name: "a canary's budget that blocks its single pod",
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', {
        stable: s,
        image: 'web:2.0',
        disruptionBudget: { minAvailable: IntOrPercent.count(1) },
      });
    },
    path: 'app/canary/DisruptionBudget',
    prop: 'minAvailable',
    value: '1',
    message:
      "[app/canary/DisruptionBudget] 'minAvailable' is 1: must leave a pod to evict: 1 of 1 pods required is at or above the replica count of app/canary (1), so no node drain could evict any; lower minAvailable or run more pods",
  },
  {
    construct: 'DisruptionBudget',
    name: 'a percentage minAvailable on a Rollout',
    build: rolloutBudget({ minAvailable: IntOrPercent.percent(50) }),
    path: 'app/web/DisruptionBudget',
    prop: 'minAvailable',
    value: '"50%"',
    message:
      "app/web/DisruptionBudget: 'minAvailable' is \"50%\": must be a pod count (IntOrPercent.count) for a Rollout: the disruption controller cannot read a Rollout's scale for a percentage (Argo Rollouts issue #2119)",
  },
  {
    construct: 'DisruptionBudget',
    name: 'maxUnavailable on a Rollout',
    build: rolloutBudget({ maxUnavailable: IntOrPercent.count(1) }),
    path: 'app/web/DisruptionBudget',
    prop: 'maxUnavailable',
    value: '1',
    message:
      "app/web/DisruptionBudget: 'maxUnavailable' is 1: must be left out for a Rollout: give minAvailable as a pod count (the disruption controller cannot read a Rollout's scale, Argo Rollouts issue #2119)",
  },
  {
    construct: 'DisruptionBudget',
    name: 'an unhealthyPodEvictionPolicy that does not exist',
    build: budget({ minAvailable: IntOrPercent.count(1), unhealthyPodEvictionPolicy: 'Never' }),
    path: 'app/web/DisruptionBudget',
    prop: 'unhealthyPodEvictionPolicy',
    value: '"Never"',
    message:
      'app/web/DisruptionBudget: \'unhealthyPodEvictionPolicy\' is "Never": must be one of "AlwaysAllow", "IfHealthyBudget"',
  },
  {
    construct: 'DisruptionBudget',
    name: 'a typo in a disruptionBudget prop',
    build: budget({ minAvailble: IntOrPercent.count(1) }),
    path: 'app/web',
    prop: 'disruptionBudget.minAvailble',
    value: '{"amount":1,"isPercent":false}',
    message:
      'app/web: \'disruptionBudget.minAvailble\' is {"amount":1,"isPercent":false}: is not a prop of StableDeployment: did you mean \'disruptionBudget.minAvailable\'?',
  },
  {
    construct: 'DisruptionBudget',
    name: 'a budget for a Service instead of a workload',
    build: app => {
      const { c, s } = stable(app);
      const svc = new VersionedService(c, 'svc', { serves: s, port: 80 });
      new DisruptionBudget(c, 'budget', { workload: svc as any, minAvailable: IntOrPercent.count(1) });
    },
    path: 'app/budget',
    prop: 'workload',
    value: 'construct app/svc',
    message:
      "app/budget: 'workload' is construct app/svc: must be a StableDeployment, CanaryDeployment, Rollout or PipelineStage",
  },
  {
    construct: 'DisruptionBudget',
    name: 'a second budget over the same pods',
    build: app => {
      const c = chart(app);
      const s = new StableDeployment(c, 'web', {
        ...web,
        replicas: 3,
        disruptionBudget: { minAvailable: IntOrPercent.count(2) },
      });
      new Rollout(c, 'rollout', {
        workloadRef: s,
        workloadScaleDown: 'onsuccess',
        replicas: 3,
        strategy: RolloutStrategy.canary(),
        disruptionBudget: { minAvailable: IntOrPercent.count(2) },
      });
    },
    path: 'app/rollout/DisruptionBudget',
    prop: 'workload',
    value: '"app/rollout"',
    message:
      '[app/rollout/DisruptionBudget] \'workload\' is "app/rollout": already has its pods covered by the PodDisruptionBudget of app/web/DisruptionBudget: the eviction API refuses to evict a pod two budgets cover, so node drains would stall; keep one budget',
  },
  // The other workload constructs
  {
    construct: 'NatsServer',
    name: "a label that overrides the servers' component label",
    build: app => new NatsServer(chart(app), 'nats', { labels: { 'app.kubernetes.io/component': 'broker' } }),
    path: 'app/nats',
    prop: 'labels.app.kubernetes.io/component',
    value: '"broker"',
    message:
      'app/nats: \'labels.app.kubernetes.io/component\' is "broker": must be left out: the library sets this label itself (the identity and selector labels are its own)',
  },
  {
    construct: 'NatsServer',
    name: 'a server toleration effect that does not exist',
    build: app =>
      new NatsServer(chart(app), 'nats', { tolerations: [{ key: 'dedicated', value: 'x', effect: 'NoRun' as any }] }),
    path: 'app/nats',
    prop: 'tolerations[0].effect',
    value: '"NoRun"',
    message:
      'app/nats: \'tolerations[0].effect\' is "NoRun": must be one of "NoSchedule", "PreferNoSchedule", "NoExecute"',
  },
  {
    construct: 'Rollout',
    name: 'sidecars beside a workloadRef',
    build: app => {
      const { c, s } = stable(app);
      new Rollout(c, 'rollout', {
        workloadRef: s,
        workloadScaleDown: 'onsuccess',
        strategy: RolloutStrategy.canary(),
        sidecars: [{ name: 'proxy', image: 'proxy:1.0' }],
      });
    },
    path: 'app/rollout',
    prop: 'sidecars',
    value: '[{"name":"proxy","image":"proxy:1.0"}]',
    message:
      'app/rollout: \'sidecars\' is [{"name":"proxy","image":"proxy:1.0"}]: must be unset with workloadRef: the pod template comes from app/web',
  },
  {
    construct: 'PipelineStage',
    name: "a mount at the credentials file's path",
    build: app => {
      const c = chart(app);
      new PipelineStage(c, 'mapper', {
        ...stage('mapper'),
        natsUrl: 'nats://my-nats:4222',
        credentials: NatsCredentials.credsFile('nats-creds'),
        mounts: [{ volume: emptyDir(c, 'v', 'creds'), path: '/etc/nats-creds' }],
      } as any);
    },
    path: 'app/mapper',
    prop: 'mounts',
    value: '"/etc/nats-creds"',
    message: 'app/mapper: \'mounts\' is "/etc/nats-creds": must not mount at this path: the credentials file takes it',
  },
];

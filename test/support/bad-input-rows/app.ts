import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { CanaryDeployment, HostIngress, NatsPipeline, NatsServer, PipelineStage, VersionedService } from '../../../lib';
import { BadInput, chart, l1Deployment, service, stable, stage } from '../bad-input-kit';

const W = 'Whole app';
const configMap = (name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  ...extra,
});
const SERVER_SELECTOR = '{"matchLabels":{"app.kubernetes.io/name":"nats"}}';
/** A NATS server and, beside it, a pipeline stage named like it. */
const stageNamedLikeServer = (app: Parameters<BadInput['build']>[0]) => {
  const c = chart(app);
  const server = new NatsServer(c, 'server');
  new PipelineStage(c, 'stage', { ...stage('nats'), natsUrl: server.url });
};
const sharing =
  'also catches the pods of app/stage (Deployment/nats), which it was not made for (it was made for app/server (StatefulSet/nats)); rename one of them or give them labels that tell them apart';
const fight = (other: string) =>
  `also matches the pods of ${other}, so two controllers claim the same pods and fight over them; give each workload a label the other's pods lack and select on it`;
const duplicate = (
  first: string,
  kind: string,
  name: string,
  ns = ' in namespace "default" (an unset namespace counts as "default")',
) =>
  `${first} already makes ${kind} "${name}"${ns}, so kubectl apply would merge the two into one object and kustomize refuses the pair; give one of them another name`;

/** Bad inputs for whole-app checks (duplicates, selector overlap, size limits) and synthesizeApp. */
export const APP_ROWS: readonly BadInput[] = [
  {
    construct: W,
    name: 'a second canary of one stable (two Deployments web-canary)',
    build: app => {
      const { c, s } = stable(app);
      new CanaryDeployment(c, 'canary', { stable: s, image: 'web:2.0' });
      new CanaryDeployment(c, 'canary2', { stable: s, image: 'web:3.0' });
    },
    path: 'app/canary2',
    prop: 'metadata.name',
    value: '"web-canary"',
    message: `[app/canary2] 'metadata.name' is "web-canary": ${duplicate('app/canary', 'Deployment', 'web-canary')}`,
  },
  {
    construct: W,
    name: 'two Services of one workload with the same name',
    build: app => {
      const { c, s } = service(app);
      new VersionedService(c, 'svc2', { serves: s, port: 81 });
    },
    path: 'app/svc2',
    prop: 'metadata.name',
    value: '"web-stable"',
    message: `[app/svc2] 'metadata.name' is "web-stable": ${duplicate('app/svc', 'Service', 'web-stable')}`,
  },
  {
    construct: W,
    name: 'Ingress ids Ing and ing (both name the Ingress "ing")',
    build: app => {
      const { c, svc } = service(app);
      new HostIngress(c, 'Ing', { rules: [{ host: 'a.example.com', service: svc }] });
      new HostIngress(c, 'ing', { rules: [{ host: 'b.example.com', service: svc }] });
    },
    path: 'app/ing',
    prop: 'metadata.name',
    value: '"ing"',
    message: `[app/ing] 'metadata.name' is "ing": ${duplicate('app/Ing', 'Ingress', 'ing')}`,
  },
  {
    construct: W,
    name: 'two plain ConfigMaps of one name in two charts, one namespace unset and one "default"',
    build: app => {
      new ApiObject(new Chart(app, 'one'), 'cm', configMap('settings'));
      new ApiObject(new Chart(app, 'two', { namespace: 'default' }), 'cm', configMap('settings'));
    },
    path: 'two/cm',
    prop: 'metadata.name',
    value: '"settings"',
    message: `[two/cm] 'metadata.name' is "settings": ${duplicate('one/cm', 'ConfigMap', 'settings')}`,
  },
  {
    construct: W,
    name: 'two L1 Services of one name in one namespace',
    build: app => {
      const c = new Chart(app, 'app', { namespace: 'shop' });
      new k8s.KubeService(c, 'a', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
      new k8s.KubeService(c, 'b', { metadata: { name: 'web' }, spec: { ports: [{ port: 81 }] } });
    },
    path: 'app/b',
    prop: 'metadata.name',
    value: '"web"',
    message: `[app/b] 'metadata.name' is "web": ${duplicate('app/a', 'Service', 'web', ' in namespace "shop"')}`,
  },
  {
    construct: W,
    name: 'a cluster-scoped Namespace twice (its namespace field is ignored)',
    build: app => {
      const c = chart(app);
      new k8s.KubeNamespace(c, 'a', { metadata: { name: 'team' } });
      new k8s.KubeNamespace(c, 'b', { metadata: { name: 'team', namespace: 'elsewhere' } });
    },
    path: 'app/b',
    prop: 'metadata.name',
    value: '"team"',
    message: `[app/b] 'metadata.name' is "team": ${duplicate('app/a', 'Namespace', 'team', '')}`,
  },
  {
    construct: W,
    name: 'a pipeline stage named like the NATS server: the StatefulSet claims its pods',
    build: stageNamedLikeServer,
    path: 'app/server',
    prop: 'spec.selector',
    value: SERVER_SELECTOR,
    message: `[app/server] 'spec.selector' is ${SERVER_SELECTOR}: ${fight('app/stage (Deployment/nats)')}`,
  },
  {
    construct: W,
    name: 'a pipeline stage named like the NATS server: the client Service sends it NATS traffic',
    build: stageNamedLikeServer,
    path: 'app/server/Service',
    prop: 'spec.selector',
    value: '{"app.kubernetes.io/name":"nats"}',
    message: `[app/server/Service] 'spec.selector' is {"app.kubernetes.io/name":"nats"}: ${sharing}`,
  },
  {
    construct: W,
    name: 'a pipeline stage named like the NATS server: the disruption budget counts its pods',
    build: stageNamedLikeServer,
    path: 'app/server/Budget',
    prop: 'spec.selector',
    value: SERVER_SELECTOR,
    message: `[app/server/Budget] 'spec.selector' is ${SERVER_SELECTOR}: ${sharing}`,
  },
  {
    construct: W,
    name: 'a stage outside the pipeline named like its server: the NetworkPolicy fences its pods',
    build: app => {
      const c = chart(app);
      const pipeline = new NatsPipeline(c, 'pipeline', { stages: [stage('fetcher')] });
      new PipelineStage(c, 'rogue', { ...stage('nats'), natsUrl: pipeline.natsUrl });
    },
    path: 'app/pipeline/NetworkPolicy',
    prop: 'spec.podSelector',
    value: SERVER_SELECTOR,
    message: `[app/pipeline/NetworkPolicy] 'spec.podSelector' is ${SERVER_SELECTOR}: also catches the pods of app/rogue (Deployment/nats), which it was not made for (it was made for app/pipeline/Server (StatefulSet/nats)); rename one of them or give them labels that tell them apart`,
  },
  {
    construct: W,
    name: 'a VersionedService that also catches the pods of a plain Deployment labelled like its workload',
    build: app => {
      const { c } = service(app);
      l1Deployment(
        c,
        'other',
        { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/track': 'stable', team: 'x' },
        { team: 'x' },
      );
    },
    path: 'app/svc',
    prop: 'spec.selector',
    value: '{"app.kubernetes.io/name":"web","app.kubernetes.io/track":"stable"}',
    message: `[app/svc] 'spec.selector' is {"app.kubernetes.io/name":"web","app.kubernetes.io/track":"stable"}: also catches the pods of app/other (Deployment/other), which it was not made for (it was made for app/web (Deployment/web-stable)); rename one of them or give them labels that tell them apart`,
  },
  {
    construct: W,
    name: 'two plain Deployments whose selectors overlap',
    build: app => {
      const c = chart(app);
      l1Deployment(c, 'api', { app: 'shop', tier: 'api' }, { app: 'shop', tier: 'api' });
      l1Deployment(c, 'shop', { app: 'shop', tier: 'web' }, { app: 'shop' });
    },
    path: 'app/shop',
    prop: 'spec.selector',
    value: '{"matchLabels":{"app":"shop"}}',
    message: `[app/shop] 'spec.selector' is {"matchLabels":{"app":"shop"}}: ${fight('app/api (Deployment/api)')}`,
  },
  {
    construct: W,
    name: 'an Argo Rollout beside a Deployment it does not replace, selecting its pods',
    build: app => {
      const c = chart(app);
      l1Deployment(c, 'web', { app: 'web' }, { app: 'web' });
      new ApiObject(c, 'canary', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web-rollout' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web', v: '2' } },
            spec: { containers: [{ name: 'main', image: 'web:2.0' }] },
          },
        },
      });
    },
    path: 'app/canary',
    prop: 'spec.selector',
    value: '{"matchLabels":{"app":"web"}}',
    message: `[app/canary] 'spec.selector' is {"matchLabels":{"app":"web"}}: ${fight('app/web (Deployment/web)')}`,
  },
  {
    construct: W,
    name: 'a ConfigMap with more than 1 MiB of data',
    build: app => {
      new ApiObject(chart(app), 'big', configMap('big', { data: { 'dump.json': 'x'.repeat(1048576) } }));
    },
    path: 'app/big',
    prop: 'data',
    value: '1048585 bytes',
    message:
      "[app/big] 'data' is 1048585 bytes: ConfigMap/big can hold at most 1048576 bytes (1 MiB) of data, so the API server refuses it; split the data over several ConfigMaps or ship it another way (an image, a volume)",
  },
  {
    construct: W,
    name: 'a Secret with more than 1 MiB of data once decoded',
    build: app => {
      new ApiObject(chart(app), 'certs', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'certs' },
        data: { bundle: Buffer.alloc(1048577).toString('base64') },
      });
    },
    path: 'app/certs',
    prop: 'data',
    value: '1048577 bytes',
    message:
      "[app/certs] 'data' is 1048577 bytes: Secret/certs can hold at most 1048576 bytes (1 MiB) of data, so the API server refuses it; split the data over several Secrets or ship it another way (an image, a volume)",
  },
  {
    construct: W,
    name: "an object over the API server's 1.5 MiB limit",
    build: app => {
      new ApiObject(chart(app), 'blob', {
        apiVersion: 'example.com/v1',
        kind: 'Blob',
        metadata: { name: 'blob' },
        spec: { text: 'x'.repeat(1600000) },
      });
    },
    path: 'app/blob',
    prop: 'Blob/blob',
    value: '1600091 bytes as JSON',
    message:
      "[app/blob] 'Blob/blob' is 1600091 bytes as JSON: must be at most 1572864 bytes (1.5 MiB), the largest object the API server stores; split it into several objects",
  },
  {
    construct: W,
    name: 'a plain Service named like a DNS subdomain',
    build: app => {
      new ApiObject(chart(app), 'svc', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web.v1' },
        spec: { ports: [{ port: 80 }] },
      });
    },
    path: 'app/svc',
    prop: 'metadata.name',
    value: '"web.v1"',
    message: `[app/svc] 'metadata.name' is "web.v1": Service/web.v1 must be a DNS-1035 label: lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters`,
  },
  {
    construct: W,
    name: 'a chart namespace that is not a DNS label',
    build: app => {
      new ApiObject(new Chart(app, 'app', { namespace: 'Team_A' }), 'cm', configMap('settings'));
    },
    path: 'app/cm',
    prop: 'metadata.namespace',
    value: '"Team_A"',
    message: `[app/cm] 'metadata.namespace' is "Team_A": ConfigMap/Team_A/settings must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters`,
  },
  {
    construct: W,
    name: 'a label value with a space',
    build: app => {
      new ApiObject(
        chart(app),
        'cm',
        configMap('settings', { metadata: { name: 'settings', labels: { team: 'web ops' } } }),
      );
    },
    path: 'app/cm',
    prop: 'metadata.labels.team',
    value: '"web ops"',
    message: `[app/cm] 'metadata.labels.team' is "web ops": ConfigMap/settings must be a label value: at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
  },
  {
    construct: W,
    name: 'an annotation key with two slashes',
    build: app => {
      new ApiObject(
        chart(app),
        'cm',
        configMap('settings', { metadata: { name: 'settings', annotations: { 'a/b/c': 'x' } } }),
      );
    },
    path: 'app/cm',
    prop: 'metadata.annotations',
    value: '"a/b/c"',
    message: `[app/cm] 'metadata.annotations' is "a/b/c": ConfigMap/settings must be an annotation key: an optional DNS subdomain prefix and "/", then at most 63 characters of letters, digits, "-", "_" and "."`,
  },
  {
    construct: W,
    name: 'annotations over 256 KiB',
    build: app => {
      new ApiObject(
        chart(app),
        'cm',
        configMap('settings', { metadata: { name: 'settings', annotations: { notes: 'x'.repeat(262140) } } }),
      );
    },
    path: 'app/cm',
    prop: 'metadata.annotations',
    value: '"262145 bytes"',
    message: `[app/cm] 'metadata.annotations' is "262145 bytes": ConfigMap/settings must hold at most 262144 bytes (256 KiB) of keys and values, or the API server refuses it`,
  },
];

import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  AnalysisTemplate,
  Condition,
  Cpu,
  MetricProvider,
  PodSecurity,
  StableDeployment,
  VersionedService,
} from '../../lib';

/**
 * One bad input: `build` makes it in a fresh app; synthesis must then fail with a message that
 * names `path`, `prop` and `value` (as the message renders it), writing nothing.
 */
export interface BadInput {
  /** The construct the row is about; groups the rows in docs/guide/errors.md. */
  readonly construct: string;
  /** What is wrong, in a few words. */
  readonly name: string;
  readonly build: (app: App) => void;
  /** Construct path the message must name. */
  readonly path: string;
  /** Prop (or manifest field) the message must name. */
  readonly prop: string;
  /** The bad value as the message renders it (strings quoted, objects as JSON). */
  readonly value: string;
  /** The whole line the user reads about `path`, exactly. */
  readonly message?: string;
}

export const chart = (app: App) => new Chart(app, 'app');
export const web = { app: 'web', image: 'web:1.0', port: 8080 };
export const stable = (app: App, extra: object = {}) => {
  const c = chart(app);
  return { c, s: new StableDeployment(c, 'web', { ...web, ...extra }) };
};
export const service = (app: App) => {
  const { c, s } = stable(app);
  return { c, s, svc: new VersionedService(c, 'svc', { serves: s, port: 80 }) };
};
export const withRequest = { resources: { cpu: { request: Cpu.millis(100) } } };
export const prometheus = 'http://prometheus.monitoring.svc:9090';
export const restarts = (c: Chart, query = 'scalar(sum(kube_pod_container_status_restarts_total))') =>
  new AnalysisTemplate(c, 'restarts', {
    metrics: [
      {
        name: 'restarts',
        provider: MetricProvider.prometheus({ address: prometheus, query }),
        condition: Condition.scalarBelow(2),
      },
    ],
  });
export const stage = (name: string, extra: object = {}) => ({
  name,
  image: `example/${name}:1.0`,
  security: PodSecurity.restricted({ runAsUser: 1000 }),
  ...extra,
});
export const l1Deployment = (
  c: Chart,
  id: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  container: object = {},
) =>
  new k8s.KubeDeployment(c, id, {
    metadata: { name: id },
    spec: {
      selector: { matchLabels: selector },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'web:1.0', ...container }] } },
    },
  });

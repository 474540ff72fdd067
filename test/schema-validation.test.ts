import { ApiObject, Chart, Testing } from 'cdk8s';
import { DummyApiChart } from '../examples/dummy-api';
import { SchemaProblem, validateSchemasSync } from '../lib';

const deployment = (name: string, spec: Record<string, unknown>, container: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image: `${name}:1.0`, ...container }] },
    },
    ...spec,
  },
});

describe('validateSchemasSync', () => {
  // One child process for every bad manifest: each call starts Node and loads the schema packages.
  let problems: SchemaProblem[];
  const of = (object: string) => problems.filter(p => p.object === object).map(p => `${p.source} ${p.message}`);

  beforeAll(() => {
    problems = validateSchemasSync([
      deployment('good', { replicas: 2 }),
      deployment('misspelt', { replica: 3 }, { imagePullPolicys: 'Always' }),
      deployment('typed', { replicas: 'three' }),
      {
        apiVersion: 'autoscaling/v2beta2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'old' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 2 },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'ro' },
        spec: {
          selector: { matchLabels: { app: 'ro' } },
          template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'ro', image: 'ro:1' }] } },
          strategy: { canary: { stepz: [] } },
        },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'sm' },
        spec: { selector: { matchLabels: { app: 'x' } }, endpoints: [{ port: 'http', intervall: '15s' }] },
      },
      // Typos wherever they are: top level, metadata, deep in a pod template, in a custom resource.
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'typos', lables: { app: 'x' } },
        data: { 'any-key': 'x' },
        dta: { a: 'b' },
      },
      deployment(
        'deep',
        {},
        { resources: { requets: { cpu: '1' } }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp', readOnyl: true }] },
      ),
      { ...deployment('template-meta', {}), metadata: { name: 'template-meta', annotatons: {} } },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'ro-meta', namespce: 'x' },
        spec: {
          selector: { matchLabels: { app: 'ro' } },
          template: {
            metadata: { labels: { app: 'ro' } },
            spec: { containers: [{ name: 'ro', image: 'ro:1', imagePullPolicys: 'Always' }] },
          },
        },
      },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', lables: {} }, spec: { anything: 1 } },
      // flowcontrol v1beta2 is missing from the client models: walked against another version of the kind.
      {
        apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
        kind: 'FlowSchema',
        metadata: { name: 'fs' },
        spec: { priorityLevelConfiguration: { name: 'x' }, matchingPrecedense: 3 },
      },
    ]);
  });

  it('accepts a valid Deployment', () => {
    expect(of('Deployment/good')).toEqual([]);
  });

  it('fails if a field is misspelt, naming the field and the field it probably meant', () => {
    expect(of('Deployment/misspelt').sort()).toEqual(
      [
        'unknown-field /spec/template/spec/containers/0/imagePullPolicys: unknown field (did you mean "imagePullPolicy"?); Kubernetes drops it silently on apply',
        'unknown-field /spec/replica: unknown field (did you mean "replicas"?); Kubernetes drops it silently on apply',
      ].sort(),
    );
  });

  it('fails if a field has the wrong type (newest Kubernetes schema)', () => {
    expect(of('Deployment/typed')).toEqual([
      expect.stringMatching(/^kubernetes-models \/spec\/replicas must be integer/),
    ]);
  });

  it('fails if an apiVersion is not served by Kubernetes 1.27', () => {
    // kubernetes-models still carries v2beta2; Kubernetes stopped serving it in 1.26.
    expect(of('HorizontalPodAutoscaler/old')).toEqual([
      'kubernetes-1.27 autoscaling/v2beta2 HorizontalPodAutoscaler is not served by Kubernetes 1.27',
    ]);
  });

  it('fails if a custom resource has a misspelt field, from its CRD schema', () => {
    expect(of('Rollout/ro')).toEqual([
      'unknown-field /spec/strategy/canary/stepz: unknown field (did you mean "steps"?); Kubernetes drops it silently on apply',
    ]);
    expect(of('ServiceMonitor/sm')).toEqual([
      'unknown-field /spec/endpoints/0/intervall: unknown field (did you mean "interval"?); Kubernetes drops it silently on apply',
    ]);
  });

  describe('finds a misspelt field wherever it is', () => {
    const unknown = (object: string) =>
      of(object)
        .filter(p => p.startsWith('unknown-field '))
        .map(p => p.replace(/: unknown field.*$/, ''))
        .sort();

    it('at the top level and in metadata, beside a map of free keys (ConfigMap data)', () => {
      expect(unknown('ConfigMap/typos')).toEqual(['unknown-field /dta', 'unknown-field /metadata/lables']);
    });

    it("deep in a pod template, and in the metadata of a pod template's owner", () => {
      expect(unknown('Deployment/deep')).toEqual([
        'unknown-field /spec/template/spec/containers/0/resources/requets',
        'unknown-field /spec/template/spec/containers/0/volumeMounts/0/readOnyl',
      ]);
      expect(unknown('Deployment/template-meta')).toEqual(['unknown-field /metadata/annotatons']);
    });

    it('in a custom resource: its metadata (left open by CRD schemas) and its spec', () => {
      expect(unknown('Rollout/ro-meta')).toEqual([
        'unknown-field /metadata/namespce',
        'unknown-field /spec/template/spec/containers/0/imagePullPolicys',
      ]);
      // No CRD known: the metadata is still checked.
      expect(unknown('Widget/w')).toEqual(['unknown-field /metadata/lables']);
    });

    it('in a kind whose version the client models lack', () => {
      expect(unknown('FlowSchema/fs')).toEqual(['unknown-field /spec/matchingPrecedense']);
    });
  });

  it('validates every object of an app and names the construct path of each problem', () => {
    const app = Testing.app();
    new DummyApiChart(app, 'dummy-api');
    const extra = new Chart(app, 'extra');
    new ApiObject(extra, 'typo', deployment('typo', { replica: 1 }));
    expect(validateSchemasSync(app)).toEqual([
      {
        object: 'Deployment/typo',
        path: 'extra/typo',
        source: 'unknown-field',
        message: '/spec/replica: unknown field (did you mean "replicas"?); Kubernetes drops it silently on apply',
      },
    ]);
  });
});

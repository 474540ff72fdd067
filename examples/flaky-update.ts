import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerOptions, PodSecurity, Probe, StableDeployment } from '../lib';

/** Props of the flaky-update charts. */
export interface FlakyUpdateProps extends ChartProps {
  /**
   * Tag of `jakousa/dwk-app8`; the course walks v1 to v5.
   * @default - $FLAKY_UPDATE_TAG, else 'v1'
   */
  readonly tag?: string;
}

/** The app's container as the course runs it: probes on /healthz, readiness well before liveness. */
export function flakyUpdateContainer(tag: string): ContainerOptions {
  return {
    image: `jakousa/dwk-app8:${tag}`,
    containerName: 'flaky-update',
    port: 3541,
    readiness: Probe.http('/healthz', { port: 3541, initialDelay: Duration.seconds(10), period: Duration.seconds(5) }),
    liveness: Probe.http('/healthz', { port: 3541, initialDelay: Duration.seconds(20), period: Duration.seconds(5) }),
    // The image runs as root; a fixed non-root uid lets it start under the restricted profile.
    security: PodSecurity.restricted({ runAsUser: 1000 }),
  };
}

/** The image tag: the prop, else $FLAKY_UPDATE_TAG, else v1. */
export function flakyUpdateTag(props: FlakyUpdateProps): string {
  return props.tag ?? process.env.FLAKY_UPDATE_TAG ?? 'v1';
}

/**
 * The second seed's rolling update: `flaky-update-dep`, 4 replicas of `jakousa/dwk-app8`.
 * A version that never becomes ready stops the update (readiness probe); one that dies
 * later is restarted (liveness probe). `FLAKY_UPDATE_TAG=v3 npm run synth` builds another version.
 */
export class FlakyUpdateChart extends Chart {
  public readonly deployment: StableDeployment;

  constructor(scope: Construct, id: string = 'flaky-update', props: FlakyUpdateProps = {}) {
    super(scope, id, props);
    this.deployment = new StableDeployment(this, 'deployment', {
      name: 'flaky-update-dep',
      app: 'flaky-update',
      // The course's label key, so `kubectl get po -l app=flaky-update` keeps working.
      labelKeys: { app: 'app' },
      replicas: 4,
      ...flakyUpdateContainer(flakyUpdateTag(props)),
    });
  }
}

import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkHttpUrl, Condition, MetricProvider, MissingResult } from './analysis-metric';
import { AnalysisTemplate, AnalysisTemplateProps, BUILD_PROPS, NoArgs } from './analysis-template';
import { checkDnsLabel, checkEnum, checkInt, wholeSeconds } from '../core/errors';
import { checkProps, PropShape } from '../core/props';

const RESTART_RATE_SHAPE: PropShape = {
  name: 'string',
  prometheusAddress: 'string!',
  namespace: 'string!',
  container: 'string!',
  window: Duration,
  threshold: 'number!',
  initialDelay: Duration,
  onNoData: 'string',
};

/** Props of a {@link RestartRateAnalysis}. */
export interface RestartRateAnalysisProps {
  /**
   * metadata.name of the AnalysisTemplate.
   * @default 'restart-rate'
   */
  readonly name?: string;
  /** Prometheus base URL, e.g. `http://kube-prometheus-stack-prometheus.prometheus.svc.cluster.local:9090`. */
  readonly prometheusAddress: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Container name whose restarts count. */
  readonly container: string;
  /**
   * Restarts are counted over this window (the query compares with the same series `offset` by it).
   * @default Duration.minutes(2)
   */
  readonly window?: Duration;
  /** The analysis passes while fewer restarts than this happen in the window. */
  readonly threshold: number;
  /**
   * Wait before measuring, so the window holds data from the new pods.
   * @default - the window
   */
  readonly initialDelay?: Duration;
  /**
   * What "no data" counts as. The query is NaN when there are no samples now or one window
   * ago (kube-state-metrics not scraped yet, or the container did not exist a window ago).
   * @default 'fail'
   */
  readonly onNoData?: MissingResult;
}

/**
 * A restart-rate analysis: container restarts over a window, read from
 * kube-state-metrics' `kube_pod_container_status_restarts_total`, as a scalar. Passes while
 * fewer than `threshold` restarts happened (`result < threshold`); NaN (no data) fails by default.
 */
export class RestartRateAnalysis extends AnalysisTemplate {
  /** The PromQL query the metric runs. */
  public readonly query: string;

  constructor(scope: Construct, id: string, props: RestartRateAnalysisProps) {
    let query = '';
    // The template's props are made from these once the construct exists, so errors name its path.
    const build = (self: Construct): AnalysisTemplateProps<NoArgs> => {
      checkProps(self, props, RESTART_RATE_SHAPE);
      checkHttpUrl(self, 'prometheusAddress', props.prometheusAddress);
      checkDnsLabel(self, 'namespace', props.namespace);
      checkDnsLabel(self, 'container', props.container);
      checkInt(self, 'threshold', props.threshold, 1);
      if (props.onNoData !== undefined) checkEnum(self, 'onNoData', props.onNoData, ['fail', 'pass', 'inconclusive']);
      const window = props.window ?? Duration.minutes(2);
      // A window of whole seconds, at least one; Prometheus ranges are Go durations.
      wholeSeconds(self, 'window', window, 1, 9_223_372_036);
      query = restartRateQuery(props.namespace, props.container, window);
      return {
        name: props.name ?? 'restart-rate',
        metrics: [
          {
            name: 'restart-rate',
            initialDelay: props.initialDelay ?? window,
            condition: Condition.scalarBelow(props.threshold, { onNaN: props.onNoData }),
            provider: MetricProvider.prometheus({ address: props.prometheusAddress, query }),
          },
        ],
      };
    };
    super(scope, id, { [BUILD_PROPS]: build } as unknown as AnalysisTemplateProps<NoArgs>);
    this.query = query;
  }
}

/** The restart count of `container` in `namespace` over the last `window`, as a PromQL scalar. */
export function restartRateQuery(namespace: string, container: string, window: Duration): string {
  const seconds = window.toSeconds();
  const range = seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
  const series = `kube_pod_container_status_restarts_total{namespace=${JSON.stringify(namespace)}, container=${JSON.stringify(container)}}`;
  return `scalar(\n  sum(${series}) -\n  sum(${series} offset ${range})\n)\n`;
}

import { IConstruct } from 'constructs';
import { checkLabelKey, checkLabelValue, invalidProp } from '../core/errors';
import { isPlainObject } from '../core/props';

/** Which namespaces may attach routes to a Gateway listener. */
export class AllowedRoutes {
  /** Routes in the Gateway's own namespace only (Gateway API's default). */
  public static sameNamespace(): AllowedRoutes {
    return new AllowedRoutes('Same');
  }
  /** Routes from every namespace. */
  public static allNamespaces(): AllowedRoutes {
    return new AllowedRoutes('All');
  }
  /** Routes from namespaces carrying these labels, e.g. `{ 'gateway-access': 'public' }`. */
  public static fromNamespacesLabelled(labels: Readonly<Record<string, string>>): AllowedRoutes {
    return new AllowedRoutes('Selector', labels);
  }
  private constructor(
    private readonly from: 'Same' | 'All' | 'Selector',
    private readonly labels?: Readonly<Record<string, string>>,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, prop: string): Record<string, unknown> {
    if (this.from !== 'Selector') return { namespaces: { from: this.from } };
    const labels = this.labels;
    if (!isPlainObject(labels) || Object.keys(labels).length === 0)
      invalidProp(scope, prop, labels, 'must name at least one namespace label, e.g. { "gateway-access": "public" }');
    for (const [k, v] of Object.entries(labels)) {
      checkLabelKey(scope, `${prop}.${k}`, k);
      checkLabelValue(scope, `${prop}.${k}`, v);
    }
    return { namespaces: { from: 'Selector', selector: { matchLabels: { ...labels } } } };
  }
}

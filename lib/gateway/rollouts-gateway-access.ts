import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, nameOrId } from '../core/errors';
import { checkProps, PropShape } from '../core/props';
import { GATEWAY_GROUP } from './route-common';

/** Props of a {@link RolloutsGatewayAccess}. */
export interface RolloutsGatewayAccessProps {
  /**
   * Name of the ClusterRole and its ClusterRoleBinding.
   * @default - the construct id, lower-cased
   */
  readonly name?: string;
  /**
   * Namespace of the Argo Rollouts controller's ServiceAccount.
   * @default 'argo-rollouts'
   */
  readonly controllerNamespace?: string;
  /**
   * Name of the Argo Rollouts controller's ServiceAccount.
   * @default 'argo-rollouts'
   */
  readonly controllerServiceAccount?: string;
}

const ACCESS_SHAPE: PropShape = { name: 'string', controllerNamespace: 'string', controllerServiceAccount: 'string' };

/**
 * The ClusterRole and ClusterRoleBinding the Argo Rollouts controller needs to drive Gateway API
 * routes through its Gateway API plugin: `get`, `patch` and `update` on HTTPRoutes and GRPCRoutes.
 * Apply it once per cluster, beside the controller.
 */
export class RolloutsGatewayAccess extends Construct {
  public readonly name: string;
  /** The ClusterRole manifest. */
  public readonly clusterRole: ApiObject;
  /** The ClusterRoleBinding manifest. */
  public readonly binding: ApiObject;

  constructor(scope: Construct, id: string, props: RolloutsGatewayAccessProps = {}) {
    super(scope, id);
    checkProps(this, props, ACCESS_SHAPE);
    this.name = nameOrId(this, props.name, id);
    const namespace = props.controllerNamespace ?? 'argo-rollouts';
    checkDnsLabel(this, 'controllerNamespace', namespace);
    const account = props.controllerServiceAccount ?? 'argo-rollouts';
    checkDnsLabel(this, 'controllerServiceAccount', account);
    this.clusterRole = new ApiObject(this, 'Resource', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: this.name },
      rules: [
        { apiGroups: [GATEWAY_GROUP], resources: ['httproutes', 'grpcroutes'], verbs: ['get', 'patch', 'update'] },
      ],
    });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: this.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
    });
  }
}

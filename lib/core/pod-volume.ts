import { Duration } from 'cdk8s';
import type { IConfigMap, ISecret } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeProjection } from 'kubernetes-models/v1/VolumeProjection';
import { checkDnsLabel, checkDnsSubdomain, invalidProp, wholeSeconds } from './errors';
import { checkProps, PropShape } from './props';
import { checkQuantity, Memory } from './quantity';

/** Options of {@link PodVolume.emptyDir}. */
export interface EmptyDirOptions {
  /**
   * The most the volume may hold; the kubelet evicts the pod beyond it.
   * @default - no limit (the node's free disk, or the pod's memory limit when memory-backed)
   */
  readonly sizeLimit?: Memory;
  /**
   * Back the volume with memory (tmpfs) instead of the node's disk; what it holds counts against the memory limit.
   * @default false
   */
  readonly memoryBacked?: boolean;
}

/** A service account token projected into a volume, for a given audience. */
export interface ServiceAccountTokenProjection {
  /** File name of the token in the volume, e.g. `token`. */
  readonly path: string;
  /**
   * Who the token is for (the `aud` claim), e.g. `vault`.
   * @default - the API server's audiences
   */
  readonly audience?: string;
  /**
   * How long the token is valid; the kubelet renews it before. At least 10 minutes.
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
}

/** Options of {@link PodVolume.projected}: the sources joined in one directory. */
export interface ProjectedVolumeOptions {
  /**
   * Secrets whose keys appear as files.
   * @default - none
   */
  readonly secrets?: readonly ISecret[];
  /**
   * ConfigMaps whose keys appear as files.
   * @default - none
   */
  readonly configMaps?: readonly IConfigMap[];
  /**
   * A service account token for an audience other than the API server, rotated by the kubelet. The pod's own
   * token stays unmounted (`automountServiceAccountToken`).
   * @default - none
   */
  readonly serviceAccountToken?: ServiceAccountTokenProjection;
}

const EMPTY_DIR_SHAPE: PropShape = { sizeLimit: Memory, memoryBacked: 'boolean' };
const TOKEN_SHAPE: PropShape = { path: 'string!', audience: 'string', expiration: Duration };
const PROJECTED_SHAPE: PropShape = { secrets: 'array', configMaps: 'array', serviceAccountToken: TOKEN_SHAPE };
/** The API server refuses a projected token valid for less than 10 minutes. */
const MIN_TOKEN_SECONDS = 600;

/**
 * A pod volume cdk8s-plus has no factory for: an `emptyDir` sized with a {@link Memory} amount, and a projected
 * volume joining Secrets, ConfigMaps and a service account token in one directory. Mount it with a workload's
 * `mounts`, like a `kplus.Volume`. The arguments are checked by the workload that mounts it, with its path.
 */
export class PodVolume {
  /** A scratch directory that lives as long as the pod. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): PodVolume {
    return new PodVolume(name, 'emptyDir', options);
  }

  /** Secrets, ConfigMaps and a service account token in one directory (mounted read-only by default). */
  public static projected(name: string, options: ProjectedVolumeOptions): PodVolume {
    return new PodVolume(name, 'projected', options);
  }

  private constructor(
    /** The volume's name in the pod. */
    public readonly name: string,
    private readonly kind: 'emptyDir' | 'projected',
    private readonly options: unknown,
  ) {}

  /** How error messages show it: the factory and the name, e.g. `{"projected":"certs"}`. */
  public toJSON(): Record<string, unknown> {
    return { [this.kind]: this.name };
  }

  /** Checks the arguments and renders the Kubernetes volume. @internal */
  public _render(scope: IConstruct, prop: string): IVolume {
    checkDnsLabel(scope, `${prop}.name`, this.name);
    if (this.kind === 'emptyDir') {
      checkProps(scope, this.options, EMPTY_DIR_SHAPE, `${prop}.`);
      const o = this.options as EmptyDirOptions;
      const sizeLimit = o.sizeLimit ? checkQuantity(scope, `${prop}.sizeLimit`, o.sizeLimit, 'memory') : undefined;
      return { name: this.name, emptyDir: { medium: o.memoryBacked ? 'Memory' : undefined, sizeLimit } };
    }
    checkProps(scope, this.options, PROJECTED_SHAPE, `${prop}.`);
    const o = this.options as ProjectedVolumeOptions;
    const sources: IVolumeProjection[] = [
      ...named(scope, `${prop}.secrets`, o.secrets).map(name => ({ secret: { name } })),
      ...named(scope, `${prop}.configMaps`, o.configMaps).map(name => ({ configMap: { name } })),
    ];
    const token = o.serviceAccountToken;
    if (token) {
      const at = `${prop}.serviceAccountToken`;
      if (token.path === '' || token.path.startsWith('/') || token.path.split('/').includes('..'))
        invalidProp(
          scope,
          `${at}.path`,
          token.path,
          'must be a relative file path without ".." segments, e.g. "token"',
        );
      const expirationSeconds = wholeSeconds(scope, `${at}.expiration`, token.expiration, MIN_TOKEN_SECONDS);
      sources.push({ serviceAccountToken: { path: token.path, audience: token.audience, expirationSeconds } });
    }
    if (sources.length === 0)
      invalidProp(scope, prop, this, 'must project at least one Secret, ConfigMap or service account token');
    return { name: this.name, projected: { sources } };
  }
}

function named(scope: IConstruct, prop: string, list: unknown): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) invalidProp(scope, prop, list, 'must be an array of kplus Secrets or ConfigMaps');
  return list.map((item: unknown, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof item !== 'object' || item === null || typeof name !== 'string')
      invalidProp(
        scope,
        `${prop}[${i}]`,
        item,
        'must be a kplus Secret or ConfigMap (or fromSecretName/fromConfigMapName)',
      );
    checkDnsSubdomain(scope, `${prop}[${i}].name`, name);
    return name;
  });
}

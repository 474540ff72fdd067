import { IConstruct } from 'constructs';
import { checkInt, INT32_MAX, invalidProp } from './errors';
import { checkProps, isPlainObject, PropShape } from './props';

/** Options shared by the security presets. */
export interface PodSecurityOptions {
  /**
   * User ID the containers run as. Set it when the image's own user is root: with
   * `runAsNonRoot` the kubelet refuses to start a container whose image runs as uid 0.
   * @default - the image's user
   */
  readonly runAsUser?: number;
  /**
   * Group ID the containers run as.
   * @default - the image's group
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes.
   * @default - not set
   */
  readonly fsGroup?: number;
  /**
   * Mount the container's root filesystem read-only.
   * @default true for `restricted`, false for `baseline`
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Mount a writable `emptyDir` at `/tmp`, which most apps need when the root filesystem is read-only.
   * @default true
   */
  readonly writableTmp?: boolean;
}

const OPTIONS_SHAPE: PropShape = {
  runAsUser: 'number',
  runAsGroup: 'number',
  fsGroup: 'number',
  readOnlyRootFilesystem: 'boolean',
  writableTmp: 'boolean',
};

/**
 * The security context of a pod template, as a named preset.
 *
 * - `restricted()` (the default everywhere): meets the Kubernetes "restricted" Pod Security
 *   Standard: `runAsNonRoot`, `seccompProfile: RuntimeDefault`, `allowPrivilegeEscalation: false`,
 *   `capabilities.drop: [ALL]`, plus a read-only root filesystem with a writable `/tmp`.
 * - `baseline()`: for images that must run as root. Meets the "baseline" standard only:
 *   keeps `seccompProfile: RuntimeDefault`, drops `runAsNonRoot`, the capability drop,
 *   `allowPrivilegeEscalation: false` and the read-only root filesystem.
 */
export class PodSecurity {
  /** The "restricted" Pod Security Standard. */
  public static restricted(options: PodSecurityOptions = {}): PodSecurity {
    return new PodSecurity('restricted', options);
  }
  /** The "baseline" Pod Security Standard, for images that must run as root. */
  public static baseline(options: PodSecurityOptions = {}): PodSecurity {
    return new PodSecurity('baseline', options);
  }

  // Kept as given (JavaScript callers may pass anything): `_podContext` checks it with the workload's prop.
  private constructor(
    public readonly level: 'restricted' | 'baseline',
    private readonly given: unknown,
  ) {}

  private get options(): PodSecurityOptions {
    return isPlainObject(this.given) ? this.given : {};
  }

  /** Whether a writable `emptyDir` is mounted at `/tmp`. */
  public get writableTmp(): boolean {
    return this.options.writableTmp ?? true;
  }

  /** Checks the options and renders the pod's security context. Call it before `_containerContext`. @internal */
  public _podContext(scope: IConstruct, prop: string): Record<string, unknown> {
    checkProps(scope, this.given, OPTIONS_SHAPE, `${prop}.`);
    const o = this.options;
    for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      // The API server takes user and group IDs from 0 to 2147483647 (IsValidUserID, IsValidGroupID).
      if (o[key] !== undefined) checkInt(scope, `${prop}.${key}`, o[key], 0, INT32_MAX);
    }
    if (this.level === 'restricted' && o.runAsUser === 0) {
      invalidProp(
        scope,
        `${prop}.runAsUser`,
        0,
        'must not be 0 (root) under PodSecurity.restricted(); use PodSecurity.baseline() for images that must run as root',
      );
    }
    return {
      runAsNonRoot: this.level === 'restricted' ? true : undefined,
      runAsUser: o.runAsUser,
      runAsGroup: o.runAsGroup,
      fsGroup: o.fsGroup,
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  /** @internal */
  public _containerContext(): Record<string, unknown> {
    const readOnly = this.options.readOnlyRootFilesystem ?? this.level === 'restricted';
    if (this.level === 'baseline') {
      return { readOnlyRootFilesystem: readOnly, privileged: false };
    }
    return {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: readOnly,
      runAsNonRoot: true,
    };
  }
}

import { IConstruct } from 'constructs';
import { invalidProp } from './errors';

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

  private constructor(public readonly level: 'restricted' | 'baseline', private readonly options: PodSecurityOptions) {}

  /** Whether a writable `emptyDir` is mounted at `/tmp`. */
  public get writableTmp(): boolean {
    return this.options.writableTmp ?? true;
  }

  /** @internal */
  public _podContext(scope: IConstruct, prop: string): Record<string, unknown> {
    const o = this.options;
    for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      const v = o[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) invalidProp(scope, `${prop}.${key}`, v, 'must be a whole number >= 0');
    }
    if (this.level === 'restricted' && o.runAsUser === 0) {
      invalidProp(scope, `${prop}.runAsUser`, 0, 'must not be 0 (root) under PodSecurity.restricted(); use PodSecurity.baseline() for images that must run as root');
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

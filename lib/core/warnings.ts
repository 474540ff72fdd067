import { IConstruct } from 'constructs';

const WARNING = 'cdk8s-delivery:warning';

/**
 * Records a warning on a construct: something that synthesizes but may not do what
 * was meant. `synthesizeApp` prints every warning; tests read them with `warningsOf`.
 */
export function addWarning(scope: IConstruct, message: string): void {
  if (!scope.node.metadata.some(m => m.type === WARNING && m.data === message)) {
    scope.node.addMetadata(WARNING, message);
  }
}

/** Every warning recorded on `scope` and below it, each prefixed with its construct path. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap(c => c.node.metadata.filter(m => m.type === WARNING).map(m => `[${c.node.path}] ${m.data}`));
}

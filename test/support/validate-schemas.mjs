// Validates Kubernetes objects (JSON array on stdin) against independent schema packages:
// kubernetes-models (newest Kubernetes), @kubernetes-models/argo-rollouts and
// @kubernetes-models/prometheus-operator. They are ESM-only, so the Jest suite runs this as a
// child process. Prints a JSON array of "Kind/name: problem" strings; empty means all valid.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const problems = [];
for (const obj of objects) {
  const where = `${obj?.kind}/${obj?.metadata?.name}`;
  const [group, version] = String(obj?.apiVersion).includes('/') ? obj.apiVersion.split('/') : ['', obj?.apiVersion];
  const modulePath = group === 'argoproj.io' ? `@kubernetes-models/argo-rollouts/argoproj.io/${version}/${obj.kind}`
    : group === 'monitoring.coreos.com' ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${obj.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(modulePath))[obj.kind];
  } catch {
    problems.push(`${where}: no schema for ${obj?.apiVersion} ${obj?.kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    const details = e.errors ? e.errors.map(x => `${x.instancePath || '/'} ${x.message}`).join('; ') : e.message;
    problems.push(`${where}: ${details}`);
  }
}
process.stdout.write(JSON.stringify(problems));

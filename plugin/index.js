'use strict';
/**
 * cdk8s validation plugin: runs the cdk8s-delivery policy checker (Pod Security and workload
 * hygiene) and the wiring checks on every manifest `cdk8s synth` writes, for any cdk8s app.
 *
 * cdk8s.yaml:
 *   validations:
 *     - package: ./node_modules/cdk8s-delivery/plugin
 *       class: PolicyValidation
 *       version: 0.1.0
 *       properties:
 *         podSecurity: restricted   # or baseline
 *         failOn: error             # or warning, info
 *
 * Plain CommonJS on purpose: the CLI `require`s plugins without a TypeScript loader.
 * A file synthesizeApp wrote is read from the JSON it recorded for those exact bytes, not parsed again.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');
const { checkPolicy } = require('../build/lib/safety/policy-checker.js');
const { checkWiring } = require('../build/lib/safety/wiring-checks.js');
const { POLICY_RULES, WIRING_RULES } = require('../build/lib/safety/rules.js');

const SEVERITIES = ['info', 'warning', 'error'];
// Where synthesizeApp records each manifest file's objects, by the sha256 of the file's bytes, relative to the
// folder `cdk8s synth` runs in (`manifests/` of MANIFEST_CACHE in lib/output/synthesize.ts).
const MANIFEST_CACHE = path.join('node_modules', '.cache', 'cdk8s-delivery', 'manifests');
const PROPERTIES = {
  podSecurity: ['restricted', 'baseline'],
  failOn: SEVERITIES,
  requireLimits: [true, false],
  requireIngressTls: [true, false],
  wiring: [true, false],
};

/** The validation plugin class named in cdk8s.yaml. */
class PolicyValidation {
  /**
   * @param {object} [properties] `properties` of the cdk8s.yaml entry:
   *   podSecurity ('restricted'), failOn ('error'), requireLimits (false),
   *   requireIngressTls (false), wiring (true: also run the wiring checks).
   */
  constructor(properties = {}) {
    for (const [key, value] of Object.entries(properties)) {
      if (!(key in PROPERTIES)) {
        throw new Error(
          `cdk8s-delivery PolicyValidation: property '${key}' is unknown: use ${Object.keys(PROPERTIES).join(', ')}`,
        );
      }
      if (!PROPERTIES[key].includes(value)) {
        throw new Error(
          `cdk8s-delivery PolicyValidation: property '${key}' is ${JSON.stringify(value)}: must be one of ${PROPERTIES[key].map(v => JSON.stringify(v)).join(', ')}`,
        );
      }
    }
    this.options = {
      podSecurity: properties.podSecurity ?? 'restricted',
      requireLimits: properties.requireLimits ?? false,
      requireIngressTls: properties.requireIngressTls ?? false,
    };
    this.failOn = properties.failOn ?? 'error';
    this.wiring = properties.wiring ?? true;
  }

  /** Called by `cdk8s synth` with the CLI's ValidationContext. */
  async validate(context) {
    const manifests = [];
    const fileOf = new Map();
    for (const file of context.manifests) {
      for (const doc of documentsOf(context, file)) {
        if (doc && typeof doc === 'object') {
          manifests.push(doc);
          fileOf.set(doc, file);
        }
      }
    }
    // `path` of each finding carries the manifest file the object came from.
    const options = { ...this.options, pathOf: m => fileOf.get(m) };
    const all = [...checkPolicy(manifests, options), ...(this.wiring ? checkWiring(manifests, options) : [])];
    // Both checkers report a suppression annotation that names no rule; keep one of each.
    const seen = new Set();
    const findings = all.filter(f => {
      const key = `${f.rule}|${f.object}|${f.location}`;
      return !seen.has(key) && seen.add(key);
    });

    const groups = new Map();
    for (const f of findings) {
      const key = `${f.rule} (${f.severity})`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(f);
    }
    // The CLI finds a finding's construct path by its resourceName in construct-metadata.json.
    // Names can be shared across kinds (Deployment x and Service x), so look up the object's
    // Kind/namespace/name, which synthesizeApp records; with only names recorded (plain
    // app.synth()), a shared name is left without a path rather than given another object's.
    const namesUsed = new Map();
    for (const m of manifests) {
      const name = m.metadata && m.metadata.name;
      namesUsed.set(name, (namesUsed.get(name) || 0) + 1);
    }
    const metadata = context.metadata || {};
    const resourceName = f => {
      const name = f.object.split('/').pop();
      return Object.prototype.hasOwnProperty.call(metadata, f.object) || namesUsed.get(name) > 1 ? f.object : name;
    };
    const threshold = SEVERITIES.indexOf(this.failOn);
    let failing = 0;
    for (const [ruleName, list] of groups) {
      const rule = list[0].rule;
      if (SEVERITIES.indexOf(list[0].severity) >= threshold) failing += list.length;
      context.report.addViolation({
        ruleName,
        recommendation: POLICY_RULES[rule] ?? WIRING_RULES[rule] ?? 'Fix or remove the suppression annotation.',
        fix: `Change the field named in each location, or, where the rule does not apply, annotate the object with cdk8s-delivery.io/suppress.${rule}: "<reason>".`,
        violatingResources: list.map(f => ({
          resourceName: resourceName(f),
          manifestPath: f.path ?? '',
          locations: [`${f.object} ${f.message}`],
        })),
      });
    }
    const count = s => String(findings.filter(f => f.severity === s).length);
    context.report.submit(failing > 0 ? 'failure' : 'success', {
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      failOn: this.failOn,
      podSecurity: this.options.podSecurity,
    });
  }
}

/**
 * The documents of a manifest file: what synthesizeApp recorded for exactly these bytes, else the CLI's parse of it
 * (a file written by plain app.synth(), edited since, or whose cache entry is missing or unreadable).
 */
function documentsOf(context, file) {
  try {
    const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const docs = JSON.parse(fs.readFileSync(path.resolve(MANIFEST_CACHE, `${hash}.json`), 'utf8'));
    if (Array.isArray(docs)) return docs;
  } catch {
    // no entry: parse the YAML
  }
  return context.parseManifest(file);
}

module.exports = { PolicyValidation };

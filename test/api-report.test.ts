import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = path.join(__dirname, '..');
const REPORT = path.join(ROOT, 'api', 'cdk8s-delivery.api.md');

// Every change of the public API is a reviewed diff of api/cdk8s-delivery.api.md: `npm run api` rewrites it.
describe('public API', () => {
  let out: string;
  beforeAll(() => {
    // A build of its own: the consumer test rebuilds build/ at the same time.
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-api-'));
    const tsc = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        path.join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        out,
      ],
      { encoding: 'utf8' },
    );
    if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  }, 120000);
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('matches api/cdk8s-delivery.api.md (run `npm run api` and review the diff when it changes on purpose)', () => {
    const config = ExtractorConfig.prepare({
      configObject: {
        ...ExtractorConfig.loadFile(path.join(ROOT, 'api-extractor.json')),
        projectFolder: ROOT,
        mainEntryPointFilePath: path.join(out, 'lib', 'index.d.ts'),
        apiReport: {
          enabled: true,
          reportFolder: path.dirname(REPORT),
          reportTempFolder: out,
          reportFileName: path.basename(REPORT),
        },
      },
      configObjectFullPath: path.join(ROOT, 'api-extractor.json'),
      packageJsonFullPath: path.join(ROOT, 'package.json'),
    });
    const messages: string[] = [];
    const result = Extractor.invoke(config, {
      localBuild: false,
      messageCallback: m => {
        if (m.logLevel === 'warning' || m.logLevel === 'error') messages.push(m.text);
        m.handled = true;
      },
    });
    expect(messages.filter(m => !m.includes('You have changed the API signature'))).toEqual([]);
    expect(result.apiReportChanged).toBe(false);
  }, 120000);

  it('publishes no internal member: nothing `_`-prefixed or marked @internal in the .d.ts files', () => {
    const leaks: string[] = [];
    for (const file of fs.readdirSync(path.join(out, 'lib'), { recursive: true }) as string[]) {
      if (!file.endsWith('.d.ts')) continue;
      const text = fs.readFileSync(path.join(out, 'lib', file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/^\s+(readonly |static |protected |public )*_\w+[?(:<]/.test(line) || line.includes('@internal'))
          leaks.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(leaks).toEqual([]);
  });

  it('exports the curated runtime names only, named one by one in lib/index.ts', () => {
    const index = fs.readFileSync(path.join(ROOT, 'lib', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, as a consumer sees it
    const runtime = Object.keys(require('../lib')).sort();
    // 56 when the list was curated; the Gateway API, rollout plan and pod-spec features added their own since.
    expect(runtime.length).toBeLessThanOrEqual(80);
    expect(runtime).toEqual(
      expect.arrayContaining([
        'StableDeployment',
        'synthesizeApp',
        'DeliveryError',
        'checkWiring',
        'validateSchemas',
        'desiredReplicas',
      ]),
    );
    for (const internal of [
      'invalidProp',
      'problem',
      'renderPodTemplate',
      'ReplicaOwner',
      'checksItself',
      'dependencyOrder',
      'finishFindings',
      'join',
      'checkProps',
    ]) {
      expect(runtime).not.toContain(internal);
    }
  });
});

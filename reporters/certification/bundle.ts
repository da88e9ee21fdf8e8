// Writes a certification submission folder:
//   README.md                  verdict per profile, what was tested, and how to reproduce it
//   conformance-report.yaml    the machine-readable ConformanceReport
//   product.yaml               the product file exactly as given
//   junit_01.xml, results.json, build-log.txt, report.html   evidence copied from the run
//   run/                       the run's full report dir (testgrid build layout)
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { harnessOrigin, type HarnessOrigin } from '../../src/core/harness-origin.js';
import type { RunResult } from '../../src/core/results.js';
import { conformanceReport, type ConformanceReport } from './conformance-report.js';
import type { Product } from './product.js';
import { reproduceSection } from './reproduce.js';

export interface BundleRequest {
  readonly run: RunResult;
  readonly product: Product;
  readonly productText: string;
  /** The run's --report-dir (holds artifacts/junit_01.xml, artifacts/results.json, build-log.txt). */
  readonly reportDir: string;
  readonly outDir: string;
  readonly date?: Date;
  /** Which conformal ran; found from the running package when not given. */
  readonly origin?: HarnessOrigin;
}

/** Markdown table cells: no pipes or line breaks from vendor- or target-supplied strings. */
function cell(text: string): string {
  return text.replace(/[|\r\n]+/g, ' ');
}

export function readme(report: ConformanceReport, run: RunResult, origin: HarnessOrigin): string {
  const { implementation: p } = report;
  const lines = [
    `# ${cell(p.organization)} ${cell(p.project)} ${cell(p.version)}: ${report.interface.title} conformance`,
    '',
    `Tested with conformal ${report.harness.version} against ${report.interface.name} spec ${report.interface.specVersion} on ${report.date}.`,
    `The target reported itself as \`${cell(report.target.name)}\`${report.target.version ? ` version \`${cell(report.target.version)}\`` : ''}${report.target.embeddedReference ? ' (the embedded reference, not a vendor implementation)' : ''}.`,
    '',
    '| profile | claimed | core | extended | summary |',
    '|---|---|---|---|---|',
    ...report.profiles.map((profile) =>
      profile.claimed
        ? `| ${profile.name} | yes | **${profile.core!.result}** | ${profile.extended!.result} | core: ${cell(profile.core!.summary)}; extended: ${cell(profile.extended!.summary)} |`
        : `| ${profile.name} | no | — | — | ${cell(profile.reason ?? '')} |`,
    ),
    '',
    `Run outcome: ${report.outcome}. Supported features: ${report.supportedFeatures.join(', ') || 'none'}. Unsupported: ${report.unsupportedFeatures.join(', ') || 'none'}.`,
    '',
    '## Product',
    '',
    `- Organization: ${cell(p.organization)}`,
    `- Project: ${cell(p.project)} (${p.url})`,
    `- Version: ${cell(p.version)}`,
    `- Contact: ${p.contact.join(', ')}`,
    ...(p.documentationUrl ? [`- Documentation: ${p.documentationUrl}`] : []),
    '',
    '## Files',
    '',
    '- `conformance-report.yaml`: this result, machine-readable',
    '- `product.yaml`: the product file as given',
    '- `junit_01.xml`: per-test results (testgrid and Sonobuoy read it)',
    '- `results.json`: the complete result model (every attempt, logs, reasons)',
    '- `build-log.txt`: the run log',
    '- `report.html`: the human report',
    '- `run/`: the run\'s report directory in testgrid build layout (`conformal upload run --to gs://…`)',
    '',
    ...reproduceSection(run, origin, `${report.interface.name} implementation (version ${cell(p.version)})`),
  ];
  return lines.join('\n');
}

export async function writeCertificationBundle(request: BundleRequest): Promise<ConformanceReport> {
  const { run, outDir, reportDir } = request;
  await mkdir(outDir, { recursive: true });
  const origin = request.origin ?? harnessOrigin();
  const counted = conformanceReport(run, request.product, request.date);
  const report: ConformanceReport = { ...counted, harness: { ...counted.harness, origin } };
  await writeFile(join(outDir, 'conformance-report.yaml'), stringify(report));
  await writeFile(join(outDir, 'product.yaml'), request.productText);
  await copyFile(join(reportDir, 'artifacts', 'junit_01.xml'), join(outDir, 'junit_01.xml'));
  await copyFile(join(reportDir, 'artifacts', 'results.json'), join(outDir, 'results.json'));
  await copyFile(join(reportDir, 'artifacts', 'report.html'), join(outDir, 'report.html'));
  await copyFile(join(reportDir, 'build-log.txt'), join(outDir, 'build-log.txt'));
  await writeFile(join(outDir, 'README.md'), readme(report, run, origin));
  return report;
}

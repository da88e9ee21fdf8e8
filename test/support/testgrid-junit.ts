// testgrid's own JUnit parser (test/testgrid-parser, built in CI on testgrid's metadata/junit
// package): one report per file, with the rows and cells testgrid would show.
import { execFile } from 'node:child_process';

export interface TestgridRow { name: string; status: 'PASS' | 'FAIL' | 'PASS_WITH_SKIPS'; message?: string; metrics?: Record<string, number> }
export interface TestgridCell { name: string; status: string; icon?: string; message?: string }
export interface TestgridFileReport { file: string; error?: string; rows: TestgridRow[]; cells: TestgridCell[]; dropped: number; counts: Record<string, number> }

/** Runs the parser (CONFORMAL_TESTGRID_JUNIT) over `files`; exit 1 means a file failed to parse, which its report says. */
export function parseWithTestgrid(parser: string, files: readonly string[]): Promise<TestgridFileReport[]> {
  return new Promise((resolve, reject) => {
    execFile(parser, files, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && error.code !== 1) return reject(new Error(`testgrid-junit failed: ${stderr}`));
      resolve(JSON.parse(stdout) as TestgridFileReport[]);
    });
  });
}

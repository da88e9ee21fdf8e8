// The mochawesome report JSON shape (mochawesome-report-generator 6.3.2, bin/types.js), the input
// of marge's create(). Only marge's CLI validates it; see validate-mochawesome.ts.

export type MochawesomeState = 'passed' | 'failed' | 'pending' | 'skipped';

export interface MochawesomeTest {
  title: string;
  fullTitle: string;
  timedOut: boolean;
  duration: number;
  state: MochawesomeState;
  speed: 'slow' | 'medium' | 'fast' | null;
  pass: boolean;
  fail: boolean;
  pending: boolean;
  code: string;
  err: { message?: string; estack?: string; diff?: string | null };
  uuid: string;
  parentUUID: string;
  skipped: boolean;
  /** JSON string: an array of strings or { title, value } items, rendered under the test. */
  context: string | null;
  isHook: boolean;
}

export interface MochawesomeSuite {
  title: string;
  suites: MochawesomeSuite[];
  tests: MochawesomeTest[];
  root: boolean;
  _timeout: number;
  file: string;
  fullFile: string;
  uuid: string;
  beforeHooks: MochawesomeTest[];
  afterHooks: MochawesomeTest[];
  passes: string[];
  failures: string[];
  pending: string[];
  skipped: string[];
  duration: number;
  rootEmpty?: boolean;
}

export interface MochawesomeReport {
  stats: {
    suites: number;
    tests: number;
    passes: number;
    pending: number;
    failures: number;
    start: string;
    end: string;
    duration: number;
    testsRegistered: number;
    passPercent: number;
    pendingPercent: number;
    other: number;
    hasOther: boolean;
    skipped: number;
    hasSkipped: boolean;
  };
  results: MochawesomeSuite[];
}

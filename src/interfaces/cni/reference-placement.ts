// Where each test runs against the embedded reference. Two settings of the reference make a run
// cheaper without changing what a test checks:
// - `ipamInProcess`: conformal-ref runs the code of its own IPAM plugin in its own process instead
//   of executing it (one process start less per call). Tests cited for a rule of SPEC.md section 4
//   (plugin delegation) keep the executed delegate, so what they check is a real delegation.
// - A test marked serial watches the network's address pool or GC's scope; it gets a network of its
//   own (another name, so another pool and GC scope in the reference) and runs beside the others.
import type { TestPlacement } from '../../core/plugin.js';
import type { TestDefinition } from '../../core/test.js';
import type { CniEnv } from './env.js';
import type { NetworkList } from './runtime/config.js';
import { CniRuntime } from './runtime/network.js';

/** The reference option (conformal-ref's config) that runs its own IPAM plugin in-process. */
export const IPAM_IN_PROCESS = 'ipamInProcess';

/** A network name of its own for `test`: the test id is made of characters network names allow. */
export const isolatedName = (network: string, testId: string): string => `${network}-${testId}`;

export class ReferencePlacement {
  readonly #envs = new Map<string, CniEnv>();
  /** One runtime per network name, for the leak check. */
  readonly #byName = new Map<string, CniRuntime>();

  constructor(
    /** The configured network, delegating by execution. */
    readonly runtime: CniRuntime,
    /** Ids of the tests cited for a delegation rule. */
    readonly delegationTests: ReadonlySet<string>,
    readonly makeEnv: (runtime: CniRuntime) => CniEnv,
  ) {
    this.#byName.set(runtime.network.name, runtime);
  }

  /** The configured network with conformal-ref running its IPAM in-process (the probes use it too). */
  get inProcessRuntime(): CniRuntime {
    return this.#runtime(this.runtime.network.name, true);
  }

  #runtime(name: string, inProcess: boolean): CniRuntime {
    const base = this.#byName.get(name) ?? new CniRuntime({ ...this.runtime.network, name }, this.runtime.settings);
    this.#byName.set(name, base);
    if (!inProcess) return base;
    const [first, ...rest] = base.network.plugins;
    return base.withPlugins([{ ...first, [IPAM_IN_PROCESS]: true }, ...rest]);
  }

  placement(test: TestDefinition<CniEnv>): TestPlacement<CniEnv> {
    const name = test.serial ? isolatedName(this.runtime.network.name, test.id) : this.runtime.network.name;
    const inProcess = !this.delegationTests.has(test.id);
    const key = `${name} ${inProcess}`;
    let env = this.#envs.get(key);
    if (!env) {
      env = this.makeEnv(this.#runtime(name, inProcess));
      this.#envs.set(key, env);
    }
    // The tests with a network of their own or an executed delegate are the longest: started first.
    return { env, serial: false, first: Boolean(test.serial) || !inProcess };
  }

  /** Every network tests ran on, with a runtime over it. */
  networks(): Array<{ network: NetworkList; runtime: CniRuntime }> {
    return [...this.#byName.values()].map((runtime) => ({ network: runtime.network, runtime }));
  }
}

/**
 * Every change writing an output folder makes to the file system goes through `Steps.run`, in
 * order, so that tests can fail any step with an injected error or kill the process before it,
 * and check that the folder still holds the previous output or the new one.
 */
import { EnvironmentError } from './exit.js';
import { errnoCode, fsReason } from '@vault/dsl/internal';

export type StepOp = 'lock' | 'unlock' | 'mkdir' | 'copy' | 'write' | 'rename' | 'unlink' | 'remove';

export interface OutputStep {
  /** 1 for the first change, 2 for the next, ... */
  readonly n: number;
  readonly op: StepOp;
  readonly path: string;
}

/**
 * Called before each change; may throw (the change then fails with that error) or stop the
 * process. For fault-injection tests only: vault itself never passes one.
 */
export type StepHook = (step: OutputStep) => void;

export class Steps {
  private n = 0;
  constructor(private readonly hook: StepHook | undefined) {}

  run<T>(op: StepOp, path: string, change: () => T): T {
    this.hook?.({ n: ++this.n, op, path });
    return change();
  }
}

/**
 * A file-system error as one line for the user: `what` failed, why, and `state` (what the
 * failure left). Errors without an errno code are bugs and are passed on unchanged.
 */
export function environmentError(e: unknown, what: string, state: string): unknown {
  if (e instanceof EnvironmentError || errnoCode(e) === undefined) return e;
  return new EnvironmentError(`${what}: ${fsReason(e)}${state === '' ? '' : `; ${state}`}`);
}

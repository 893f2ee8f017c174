/**
 * Whole-number options: a value that is no whole number, or too small or too large, is a usage
 * mistake (exit 2) whose message states the option's own range, before anything is read or run.
 */
import { describe, expect, it } from 'vitest';
import { runVault } from '../helpers/run-vault.js';

describe('whole-number options', () => {
  it.each([
    [['run', 'spec.yaml', '--jobs', 'abc'], `option '--jobs <n>' argument 'abc' is invalid. expected a whole number >= 1`],
    [['run', 'spec.yaml', '--jobs', '1.5'], `option '--jobs <n>' argument '1.5' is invalid. expected a whole number >= 1`],
    [['run', 'spec.yaml', '--jobs', '0'], `option '--jobs <n>' argument '0' is invalid. expected a whole number >= 1`],
    [['seed', 'spec.yaml', '--rows', '3', '--batch', '1.5'], `option '--batch <n>' argument '1.5' is invalid. expected a whole number >= 1`],
    [['validate', 'spec.yaml', '--timeout-ms', 'abc'], `option '--timeout-ms <ms>' argument 'abc' is invalid. expected a whole number >= 1`],
    [['seed', 'spec.yaml', '--rows', '-1'], `option '--rows <n>' argument '-1' is invalid. expected a whole number >= 0`],
    [['seed', 'spec.yaml', '--rows', '99999999999'], `option '--rows <n>' argument '99999999999' is invalid. expected a whole number from 0 to 999999999`],
    [['run', 'spec.yaml', '--jobs', '10000000000'], `option '--jobs <n>' argument '10000000000' is invalid. expected a whole number from 1 to 999999999`],
  ])('vault %j', (args, message) => {
    const r = runVault(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${message}\n`);
  });
});

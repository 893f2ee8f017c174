/**
 * Defaults of `vault validate`, also used by `compile --validate-db`. A module of its own with no
 * imports, so the command line can show them without loading the validation code.
 */

/** `--timeout-ms`: the statement timeout of each query that reads a table. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** `--sample`: rows sampled per table by `--profile`. */
export const DEFAULT_SAMPLE_ROWS = 100_000;

/** Types of synthetic-spec.mjs, for the tests that use it. */
export function syntheticSpecYaml(tables: number, model?: string): string;

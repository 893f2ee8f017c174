/** Types of bundle-cli.mjs, for the tests that build the bundle. */
export declare const EXTERNAL: ReadonlyArray<string>;
export declare function bundleCli(out: string, options?: { readonly replace?: boolean }): Promise<string>;

export declare function sparkHomeIn(venv: string): string | undefined;
export declare function freePort(): Promise<number>;
export declare function accepts(port: number): Promise<boolean>;
export declare function spawnThriftServer(options: {
  readonly home: string;
  readonly dir: string;
  readonly port: number;
  readonly cores: number;
  readonly name: string;
  readonly shufflePartitions: number;
  readonly logFile: string;
  readonly driverMemory?: string;
  /** HTTP transport over TLS with a password check, instead of the binary transport. */
  readonly https?: {
    readonly path: string;
    readonly keystore: { readonly path: string; readonly password: string };
    readonly auth: { readonly classPath: string; readonly className: string };
    readonly env: Readonly<Record<string, string>>;
  };
}): number;

export declare const AJV_OPTIONS: Record<string, unknown>;
export declare function specValidatorSource(schema?: unknown): Promise<string>;

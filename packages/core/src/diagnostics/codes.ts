/**
 * The one catalog of diagnostic codes. Codes are stable: never renumber or reuse one;
 * retire a code by leaving it here with `retired: true`. `docs/diagnostics.md` documents
 * each code and a test keeps the two in step.
 *
 * Ranges: VLT0xx input and syntax, VLT1xx spec shape (JSON Schema), VLT2xx spec meaning,
 * VLT3xx business-rule expressions, VLT4xx inference and Data Vault conformance,
 * VLT5xx pipeline flow, VLT6xx the landing zone in the database (`vault validate`),
 * VLT7xx LLM proposals and providers (`vault suggest`).
 */
export const CODES = {
  VLT001: { severity: 'error', title: 'spec file missing or unreadable' },
  VLT002: { severity: 'error', title: 'YAML syntax error' },
  VLT003: { severity: 'error', title: 'duplicate key in a mapping' },
  VLT004: { severity: 'error', title: 'spec is empty' },
  VLT005: { severity: 'error', title: 'spec is not a mapping' },
  VLT006: { severity: 'error', title: 'compact source-table string syntax error' },
  VLT007: { severity: 'error', title: 'framework profile missing or invalid' },
  VLT008: { severity: 'error', title: 'input exceeds a size, line length or nesting limit' },

  VLT101: { severity: 'error', title: 'unknown key' },
  VLT102: { severity: 'error', title: 'value has the wrong type' },
  VLT103: { severity: 'error', title: 'required key missing' },
  VLT104: { severity: 'error', title: 'value not one of the allowed values' },
  VLT105: { severity: 'error', title: 'unsupported spec version' },
  VLT106: { severity: 'error', title: 'value out of range or malformed' },

  VLT201: { severity: 'error', title: 'unknown column type' },
  VLT202: { severity: 'error', title: 'reference to a table that does not exist' },
  VLT203: { severity: 'error', title: 'reference names a column that does not exist' },
  VLT204: { severity: 'error', title: 'business key names a column that does not exist' },
  VLT205: { severity: 'error', title: 'duplicate table name after case folding' },
  VLT206: { severity: 'error', title: 'duplicate column name after case folding' },
  VLT207: { severity: 'error', title: 'name is not a safe identifier' },
  VLT208: { severity: 'error', title: 'name is a reserved word' },
  VLT209: { severity: 'error', title: 'name longer than 63 bytes' },
  VLT210: { severity: 'error', title: 'table has no columns' },
  VLT211: { severity: 'error', title: 'reference column count does not match the target key' },
  VLT212: { severity: 'error', title: 'primary or unique key names a column that does not exist' },
  VLT213: { severity: 'error', title: 'override names a column that does not exist' },
  VLT214: { severity: 'error', title: 'model has no source tables' },
  VLT215: { severity: 'error', title: 'reference target column does not exist' },
  VLT216: { severity: 'error', title: 'column assigned twice' },
  VLT217: { severity: 'error', title: 'invalid column type arguments' },
  VLT218: { severity: 'error', title: 'duplicate column in a key' },
  VLT219: { severity: 'warning', title: 'business key column is nullable' },
  VLT220: { severity: 'error', title: 'reference column type does not match the key it references' },
  VLT221: { severity: 'error', title: 'reference target columns are not the business key' },
  VLT222: { severity: 'error', title: 'column name is taken by Data Vault metadata' },
  VLT223: { severity: 'error', title: 'delta_order column cannot be sorted' },

  VLT301: { severity: 'error', title: 'expression syntax error' },
  VLT302: { severity: 'error', title: 'unknown column in expression' },
  VLT303: { severity: 'error', title: 'type error in expression' },
  VLT304: { severity: 'error', title: 'unknown function' },
  VLT305: { severity: 'error', title: 'wrong number of function arguments' },
  VLT306: { severity: 'error', title: 'filter is not a boolean expression' },
  VLT307: { severity: 'error', title: 'rule targets an entity that does not exist' },
  VLT308: { severity: 'error', title: 'derived attribute name clashes with a column' },

  VLT401: { severity: 'error', title: 'no business key found for a hub' },
  VLT402: { severity: 'warning', title: 'hub has no satellite' },
  VLT403: { severity: 'error', title: 'link references fewer than two hubs' },
  VLT404: { severity: 'error', title: 'satellite has an empty payload' },
  VLT405: { severity: 'error', title: 'duplicate entity name in a layer' },
  VLT406: { severity: 'error', title: 'override breaks a Data Vault rule' },
  VLT407: { severity: 'error', title: 'entity is missing a required column' },
  VLT408: { severity: 'error', title: 'satellite has no single parent' },
  VLT409: { severity: 'error', title: 'access layer request names an unknown entity' },
  VLT410: { severity: 'error', title: 'entity name clashes with another entity' },
  VLT411: { severity: 'error', title: 'measure or attribute names an unknown column' },
  VLT412: { severity: 'error', title: 'generated names collide in the target code' },

  VLT501: { severity: 'error', title: 'entity derives from the wrong layer' },
  VLT502: { severity: 'error', title: 'derivedFrom names an entity that does not exist' },
  VLT503: { severity: 'error', title: 'cycle in the pipeline' },
  VLT504: { severity: 'error', title: 'stage compiled without the stage it derives from' },

  VLT601: { severity: 'error', title: 'landing schema does not exist' },
  VLT602: { severity: 'error', title: 'source table not found in the landing schema' },
  VLT603: { severity: 'error', title: 'source column not found in the landing table' },
  VLT604: { severity: 'error', title: 'column type is not compatible with the database' },
  VLT605: { severity: 'warning', title: 'column type differs from the database but is compatible' },
  VLT606: { severity: 'warning', title: 'business key column may be NULL in the database' },
  VLT607: { severity: 'warning', title: 'column is NOT NULL in the spec but nullable in the database' },
  VLT608: { severity: 'warning', title: 'reference disagrees with the foreign key in the database' },
  VLT609: { severity: 'error', title: 'no USAGE privilege on the landing schema' },
  VLT610: { severity: 'error', title: 'no SELECT privilege on a source table' },
  VLT611: { severity: 'error', title: 'reading a source table failed or timed out' },
  VLT612: { severity: 'warning', title: 'business key is not unique in the sampled rows' },
  VLT613: { severity: 'warning', title: 'business key is NULL in sampled rows' },

  VLT701: { severity: 'error', title: 'LLM server unreachable' },
  VLT702: { severity: 'error', title: 'LLM server did not answer in time' },
  VLT703: { severity: 'error', title: 'LLM model not available' },
  VLT704: { severity: 'error', title: 'LLM API key missing or rejected' },
  VLT705: { severity: 'error', title: 'LLM request failed' },
  VLT706: { severity: 'error', title: 'LLM answer is not valid JSON' },
  VLT707: { severity: 'error', title: 'LLM answer does not match the answer schema' },
  VLT708: { severity: 'error', title: 'few-shot example file invalid' },
  VLT711: { severity: 'warning', title: 'proposed name is not a safe identifier' },
  VLT712: { severity: 'warning', title: 'proposed name clashes with another name' },
  VLT713: { severity: 'warning', title: 'proposed rule is not a valid expression' },
  VLT714: { severity: 'warning', title: 'proposed rule does not type-check' },
  VLT715: { severity: 'warning', title: 'proposal targets something the spec does not let it change' },
  VLT716: { severity: 'warning', title: 'proposal would change the model or add diagnostics' },
  VLT717: { severity: 'warning', title: 'proposed description rejected' },
} as const satisfies Record<string, { readonly severity: 'error' | 'warning'; readonly title: string }>;

export type DiagnosticCode = keyof typeof CODES;

export function severityOf(code: DiagnosticCode): 'error' | 'warning' {
  return CODES[code].severity;
}
